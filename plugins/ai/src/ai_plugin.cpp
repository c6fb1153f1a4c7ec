// The ai plugin: offline caption analysis and product tagging, with a
// backend input on each step so a language-model backend can join later.
#include "caption_step.hpp"
#include "tags_step.hpp"

#include <linkhub/plugin.hpp>

LINKHUB_PLUGIN("ai", "1.0.0", "Caption analysis (prices, hashtags, CTAs, title, language) and product tagging.",
               linkhub::ai::CaptionStep, linkhub::ai::TagsStep)
