#include "fetch_step.hpp"
#include "list_videos_step.hpp"
#include "parse_url_step.hpp"

LINKHUB_PLUGIN("tiktok", "1.1.0",
               "TikTok links: recognise any video or profile URL, fetch a video's metadata and file, list a "
               "creator's videos.",
               linkhub::tiktok::ParseUrlStep, linkhub::tiktok::FetchStep, linkhub::tiktok::ListVideosStep)
