#include "steps.hpp"

LINKHUB_PLUGIN("storage", "1.0.0",
               "A seller's own S3-compatible bucket: put artifacts or files, get objects back, presign GET URLs.",
               linkhub::storage::PutStep, linkhub::storage::GetStep, linkhub::storage::PresignStep)
