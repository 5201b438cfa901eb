#include "store/clinic_articles_loader.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/sql_clinic_store.h"

namespace ecotown::store {

Result<int64_t> LoadClinicArticles(Database& db, const std::string& data_dir, int64_t now) {
  const std::filesystem::path path = std::filesystem::path(data_dir) / "clinic" / "articles.json";
  std::ifstream in(path);
  if (!in) return int64_t{0};
  std::stringstream text;
  text << in.rdbuf();
  const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.contains("articles") || !doc["articles"].is_array()) {
    return Status::Internal(path.string() + " is not a JSON object with an \"articles\" list");
  }
  std::vector<clinic::Article> articles;
  for (const auto& item : doc["articles"]) {
    if (!item.is_object()) return Status::Internal(path.string() + ": an article is not an object");
    clinic::Article article;
    article.slug = item.value("slug", "");
    article.title = item.value("title", "");
    auto topic = clinic::ParseTopic(item.value("topic", ""));
    if (!topic.ok()) return Status::Internal(path.string() + " (" + article.slug + "): " + topic.status().message());
    article.topic = *topic;
    article.summary = item.value("summary", "");
    article.body = item.value("body", "");
    article.tags = item.value("tags", "");
    article.updated_at = now;
    if (Status valid = clinic::ValidateArticle(article); !valid.ok()) {
      return Status::Internal(path.string() + " (" + article.slug + "): " + valid.message());
    }
    articles.push_back(std::move(article));
  }
  const tenancy::Scope scope = tenancy::Scope::System("articles");
  RETURN_IF_ERROR(db.Transaction(true, [&](Connection& conn) -> Status {
    SqlClinicStore store(conn, scope);
    for (const auto& article : articles) RETURN_IF_ERROR(store.UpsertArticle(article).status());
    return Status::Ok();
  }));
  return static_cast<int64_t>(articles.size());
}

}  // namespace ecotown::store
