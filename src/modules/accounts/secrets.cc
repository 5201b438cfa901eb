#include "modules/accounts/secrets.h"

#include <sodium.h>

#include <mutex>

#include "core/utf8.h"

namespace ecotown::accounts {
namespace {

const std::string& DummyHash() {
  static const std::string hash = [] {
    auto h = HashPassword("ecotown-dummy-password");
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

}  // namespace

Status InitSecrets() {
  static std::once_flag once;
  static int result = 0;
  std::call_once(once, [] { result = sodium_init(); });
  return result < 0 ? Status::Internal("libsodium failed to initialise") : Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, std::string_view hash) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void VerifyPasswordDummy(std::string_view password) { (void)VerifyPassword(password, DummyHash()); }

std::string NewSecret(std::string_view prefix) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char encoded[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(prefix) + encoded;
}

std::string HashSecret(std::string_view secret) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  // Compare digests so that the comparison time does not depend on where the strings differ.
  const std::string ha = HashSecret(a);
  const std::string hb = HashSecret(b);
  return sodium_memcmp(ha.data(), hb.data(), ha.size()) == 0;
}

Status ValidatePasswordPolicy(std::string_view password) {
  if (!core::IsValidUtf8(password)) return Status::Invalid("password is not valid UTF-8", "password");
  const size_t length = core::CodePointCount(password);
  if (length < 10) return Status::Invalid("password must be at least 10 characters", "password");
  if (length > 256) return Status::Invalid("password must be at most 256 characters", "password");
  return Status::Ok();
}

Result<std::string> DecodeBase64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Status::Invalid("not valid base64");
  }
  out.resize(length);
  return out;
}

}  // namespace ecotown::accounts
