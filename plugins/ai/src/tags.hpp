#pragma once
// The built-in (offline) tagging behind ai.tags: normalised tags from
// hashtags and text, and the Google product category the words point to.

#include "taxonomy.hpp"

#include <string>
#include <vector>

namespace linkhub::ai {

struct TagsRequest {
  std::vector<std::string> hashtags;  // with or without '#'
  std::string title;
  std::string text;
  std::string description;
  size_t max_tags = 12;
  size_t alternatives = 3;
};

struct TagsResult {
  std::vector<std::string> tags;
  std::vector<CategoryMatch> categories;  // best first: the category, then the alternatives
};

// All text must be valid UTF-8 (see check_text). `taxonomy` may be null: no
// categories then.
TagsResult suggest_tags(const TagsRequest& request, const Taxonomy* taxonomy);

// Hashtags that name no product: "fyp", "viral", "tiktokmademebuyit", ...
bool is_noise_hashtag(std::string_view normalised);

}  // namespace linkhub::ai
