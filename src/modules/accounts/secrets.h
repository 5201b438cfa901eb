// Secrets: Argon2id password hashes and random bearer secrets (libsodium).
//
// Session ids and API tokens are 256-bit random values; only their SHA-256 is stored, so a
// database leak does not hand out live credentials. Passwords use Argon2id with libsodium's
// "interactive" limits. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace ecotown::accounts {

// Must be called once before any other function here (idempotent, thread-safe).
Status InitSecrets();

Result<std::string> HashPassword(std::string_view password);
// Constant-time with respect to the password; false for malformed hashes.
bool VerifyPassword(std::string_view password, std::string_view hash);
// Burns the same time as a verification, for unknown usernames (no user-enumeration by timing).
void VerifyPasswordDummy(std::string_view password);

// A new random secret, URL-safe base64 without padding, with an optional readable prefix.
std::string NewSecret(std::string_view prefix = {});
// Hex SHA-256 of a secret, as stored.
std::string HashSecret(std::string_view secret);
// Constant-time equality of two strings of any length.
bool SecretsEqual(std::string_view a, std::string_view b);

// Standard base64 (RFC 4648 §4, with padding), as in HTTP Basic credentials. Invalid otherwise.
Result<std::string> DecodeBase64(std::string_view text);

// Password rules: 10 to 256 characters, valid UTF-8. Field is "password".
Status ValidatePasswordPolicy(std::string_view password);

}  // namespace ecotown::accounts
