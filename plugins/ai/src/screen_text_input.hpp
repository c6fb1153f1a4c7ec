#pragma once
// ai.caption's second source, as JSON: the `screen_text` input (a string, or
// media.ocr's output, one of its frames, or a list of its words or of lines)
// read into ScreenWords, and what the screen adds to the step's output
// (prices from the screen, a conflict with the caption's). Backend-neutral:
// it reads the output's `prices`, whichever backend wrote them.

#include "screen_text.hpp"

#include <linkhub/plugin.hpp>

#include <vector>

namespace linkhub::ai {

// Throws StepError (invalid_input) naming what in `screen_text` is wrong.
std::vector<ScreenWord> screen_words(const sdk::Json& value);

// True when the input gives a second source (a `screen_text` that is not null).
bool has_screen_text(const sdk::Json& input);

// Adds `price_source`, `price_conflict` and `screen` to ai.caption's output,
// tags every price with its `source`, and appends the screen's prices when the
// caption has none.
void add_screen_source(sdk::Json& out, const sdk::Json& input);

// The input properties (`screen_text`, `screen_min_confidence`) and the output
// properties this adds, for the step's schemas.
sdk::Json screen_input_properties();
sdk::Json screen_output_properties();
// The output keys above, which the llm backend's answer schema leaves out.
const std::vector<const char*>& screen_output_keys();

}  // namespace linkhub::ai
