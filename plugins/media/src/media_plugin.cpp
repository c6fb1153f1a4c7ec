#include "inspect_step.hpp"
#include "ocr_step.hpp"
#include "probe_step.hpp"
#include "thumbnails_step.hpp"

LINKHUB_PLUGIN(
    "media", "1.0.0",
    "Videos: describe them, pick their best frames as JPEG and WebP thumbnails, and read the text on screen.",
    linkhub::media::ProbeStep, linkhub::media::ThumbnailsStep, linkhub::media::InspectStep, linkhub::media::OcrStep)
