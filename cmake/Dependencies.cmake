# Every dependency comes from Debian's packages (scripts/setup.sh installs them).
find_package(yaml-cpp REQUIRED)          # target `yaml-cpp` (0.7 has no namespaced target)
find_package(CURL REQUIRED)              # CURL::libcurl
find_package(nlohmann_json 3 REQUIRED)   # nlohmann_json::nlohmann_json
find_package(CLI11 REQUIRED)             # CLI11::CLI11
find_package(Boost 1.74 REQUIRED)        # Boost::headers (Boost.DLL, header-only with std::filesystem)
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)        # OpenSSL::SSL (linkhub serve's TLS listener)
find_package(Poco 1.11 REQUIRED COMPONENTS Foundation)   # Poco::Foundation (SHA-256 for the artifact store)
find_package(PkgConfig REQUIRED)
# The C++ build of Lua: errors raised through C++ frames unwind them (destructors run).
pkg_check_modules(LUACXX REQUIRED IMPORTED_TARGET lua5.4-c++)
# Argon2id password hashes (crypto_pwhash).
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
# libyaml's event parser reads all YAML before yaml-cpp's nodes are built from it
# (yaml-cpp 0.7's own parser loops on some invalid input: engine/src/yaml_reader.hpp).
pkg_check_modules(LIBYAML REQUIRED IMPORTED_TARGET yaml-0.1)

# Run state: SOCI 4.0 on SQLite and PostgreSQL. Debian ships no CMake config
# and no .pc for SOCI, so the libraries are found by name.
find_package(SQLite3 REQUIRED)           # SQLite::SQLite3
find_package(PostgreSQL REQUIRED)        # PostgreSQL::PostgreSQL (libpq: SOCI's backend and LISTEN/NOTIFY)
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIB soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIB soci_postgresql REQUIRED)
add_library(SOCI::sqlite3 INTERFACE IMPORTED)
target_link_libraries(SOCI::sqlite3 INTERFACE ${SOCI_SQLITE3_LIB} ${SOCI_CORE_LIB} SQLite::SQLite3 ${CMAKE_DL_LIBS})
add_library(SOCI::postgresql INTERFACE IMPORTED)
target_link_libraries(SOCI::postgresql INTERFACE ${SOCI_POSTGRESQL_LIB} ${SOCI_CORE_LIB} PostgreSQL::PostgreSQL
  ${CMAKE_DL_LIBS})
