// The ai plugin: caption analysis, product tagging and catalog extraction,
// each on the offline built-in extractors or an OpenAI-compatible language
// model (backend llm), whose answers and token budget live in the plugin's
// own tables (llm_store.hpp).
#include "caption_step.hpp"
#include "extract_step.hpp"
#include "llm_store.hpp"
#include "tags_step.hpp"

#include <linkhub/plugin.hpp>

LINKHUB_PLUGIN_WITH_STATE("ai", "1.1.0",
                          "Caption analysis (prices, hashtags, CTAs, title, language), product tagging and catalog "
                          "extraction, offline or by an OpenAI-compatible model.",
                          linkhub::ai::Databases, linkhub::ai::CaptionStep, linkhub::ai::TagsStep,
                          linkhub::ai::ExtractStep)
