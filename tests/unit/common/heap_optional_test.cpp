#include "common/heap_optional.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mtasts {
namespace {

TEST(HeapOptional, IsOnePointerWide) {
  EXPECT_EQ(sizeof(HeapOptional<std::string>), sizeof(void*));
}

TEST(HeapOptional, BehavesAsAnOptional) {
  HeapOptional<std::string> value;
  EXPECT_FALSE(value);
  value = std::string("facts");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, "facts");
  EXPECT_EQ(value->size(), 5U);
  value.emplace(3, 'x');
  EXPECT_EQ(*value, "xxx");
  value = std::nullopt;
  EXPECT_FALSE(value);
}

// Reports are copied (the store keeps one, `check` prints another): a copy owns its value.
TEST(HeapOptional, CopiesAreDeep) {
  HeapOptional<std::string> original(std::string("a"));
  HeapOptional<std::string> copy = original;
  *copy = "b";
  EXPECT_EQ(*original, "a");
  HeapOptional<std::string> assigned;
  assigned = original;
  EXPECT_EQ(*assigned, "a");
  EXPECT_NE(&*assigned, &*original);
  const HeapOptional<std::string> empty;
  assigned = empty;
  EXPECT_FALSE(assigned);
  HeapOptional<std::string> moved = std::move(original);
  EXPECT_EQ(*moved, "a");
}

}  // namespace
}  // namespace mtasts
