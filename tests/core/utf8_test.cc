#include "core/utf8.h"

#include <gtest/gtest.h>

namespace ecotown::core {
namespace {

TEST(Utf8Test, AcceptsThaiAndAscii) {
  EXPECT_TRUE(IsValidUtf8("เทศบาลเมืองบ้านโป่ง"));
  EXPECT_TRUE(IsValidUtf8("Ban Pong"));
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // emoji, 4 bytes
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xE0\xB8"));          // truncated Thai letter
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
}

TEST(Utf8Test, CountsCodePoints) {
  EXPECT_EQ(CodePointCount("บ้าน"), 4u);
  EXPECT_EQ(CodePointCount("abc"), 3u);
}

}  // namespace
}  // namespace ecotown::core
