// gzip of cached answers: what the server sends inflates to the original bytes, and only clients
// whose Accept-Encoding allows gzip get it.
#include "http/gzip.h"

#include <gtest/gtest.h>

#include <string>

#include "http/test_server.h"

namespace ecotown::http {
namespace {

using testing::Gunzip;

TEST(GzipTest, ACompressedListInflatesToTheSameBytesAndIsMuchSmaller) {
  std::string list = "[";
  for (int i = 0; i < 1000; ++i) {
    list += R"({"service_request_id":"BP-2026-)" + std::to_string(100000 + i) +
            R"(","status":"open","service_name":"กลิ่นเหม็น","description":"กลิ่นเหม็นจากโรงงานรบกวนชุมชน"},)";
  }
  list.back() = ']';
  const auto packed = Gzip(list);
  ASSERT_TRUE(packed);
  ASSERT_GE(packed->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*packed)[0]), 0x1f);  // the gzip magic
  EXPECT_EQ(static_cast<unsigned char>((*packed)[1]), 0x8b);
  EXPECT_LT(packed->size() * 5, list.size());
  EXPECT_EQ(Gunzip(*packed), list);
  EXPECT_EQ(Gunzip(*Gzip("")), "");
}

TEST(GzipTest, OnlyAnAcceptEncodingThatAllowsGzipGetsIt) {
  struct Row {
    const char* header;  // nullptr: no Accept-Encoding at all
    bool gzip;
  };
  const Row rows[] = {
      {nullptr, false},
      {"", false},
      {"gzip", true},
      {"GZip", true},
      {"gzip, deflate, br", true},
      {"br, gzip", true},
      {"deflate, br", false},
      {"identity", false},
      {"gzip;q=0", false},
      {"gzip; q=0.000", false},
      {"gzip;q=0.5", true},
      {"x-gzip", true},
      {"*", true},
      {"*;q=0", false},
      {"gzipped", false},
      {" gzip ;q=1.0", true},
  };
  for (const auto& row : rows) {
    Request request;
    if (row.header) request.headers["accept-encoding"] = row.header;
    EXPECT_EQ(AcceptsGzip(request), row.gzip) << (row.header ? row.header : "(none)");
  }
}

}  // namespace
}  // namespace ecotown::http
