#pragma once
// How workflow.start finds a workflow that is not registered under its name:
// a file beside the workflow that starts it. One rule, for the runtime
// (child_runs.cpp) and for `linkhub validate` (workflow_start_check.cpp).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub {

// True when `target` is a path (it ends in .yaml or .yml, or has a slash),
// false when it is a workflow name.
bool names_a_file(std::string_view target);

// The file `target` refers to, relative to `workflow_dir` (the directory of
// the starting workflow's file): a path as given, or <name>.yaml / <name>.yml
// for a name. nullopt when no such file exists.
std::optional<std::filesystem::path> find_workflow_file(const std::string& workflow_dir, const std::string& target);

}  // namespace linkhub
