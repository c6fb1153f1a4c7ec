# Every dependency comes from Debian's packages (scripts/setup.sh installs them).
find_package(yaml-cpp REQUIRED)          # target `yaml-cpp` (0.7 has no namespaced target)
find_package(CURL REQUIRED)              # CURL::libcurl
find_package(nlohmann_json 3 REQUIRED)   # nlohmann_json::nlohmann_json
find_package(CLI11 REQUIRED)             # CLI11::CLI11
find_package(Boost 1.74 REQUIRED)        # Boost::headers (Boost.DLL, header-only with std::filesystem)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
# The C++ build of Lua: errors raised through C++ frames unwind them (destructors run).
pkg_check_modules(LUACXX REQUIRED IMPORTED_TARGET lua5.4-c++)
