#include "http_step.hpp"
#include "simple_steps.hpp"

LINKHUB_PLUGIN("core", "1.0.0", "Building blocks: log, transform, http, delay, fail.", linkhub::core::LogStep,
               linkhub::core::TransformStep, linkhub::core::HttpStep, linkhub::core::DelayStep, linkhub::core::FailStep)
