#include "fetch_step.hpp"
#include "parse_url_step.hpp"

LINKHUB_PLUGIN("tiktok", "1.0.0", "TikTok links: recognise any video URL, fetch its metadata and video.",
               linkhub::tiktok::ParseUrlStep, linkhub::tiktok::FetchStep)
