# Every third-party dependency, found in one place. All come from Debian 12 packages
# (scripts/setup-debian.sh installs them); nothing is vendored.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(fmt CONFIG REQUIRED)                 # libfmt-dev: fmt::fmt
find_package(nlohmann_json 3.10 CONFIG REQUIRED)  # nlohmann-json3-dev: the JSON reports
find_package(CLI11 CONFIG REQUIRED)               # libcli11-dev: subcommands, flags, --help
find_package(OpenSSL 3 REQUIRED)                  # libssl-dev: TLS and certificates
find_package(yaml-cpp CONFIG REQUIRED)            # libyaml-cpp-dev: the daemon's configuration
find_package(prometheus-cpp CONFIG REQUIRED)      # prometheus-cpp-dev: metrics exposition
find_package(ZLIB REQUIRED)                       # zlib1g-dev: gzip of /metrics (as prometheus-cpp)
pkg_check_modules(CRYPT REQUIRED IMPORTED_TARGET libcrypt)  # libcrypt-dev: bcrypt for basic auth
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)  # libidn2-dev: IDNA2008/UTS #46 names
find_package(SQLite3 REQUIRED)                    # libsqlite3-dev: the state under --storage.path
find_package(tl-expected CONFIG REQUIRED)         # libexpected-dev: Result<T>, the one way to fail
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0)  # libgmime-3.0-dev: TLS-RPT report mail
find_package(CURL REQUIRED)                       # libcurl4-openssl-dev: TLS-RPT reports over IMAP
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares>=1.18)  # libc-ares-dev: DNS
# libunbound-dev: DNSSEC validation for DANE. Found by hand: its libunbound.pc requires
# libevent's .pc (for static linking only), which Debian's libunbound-dev does not pull in.
find_path(UNBOUND_INCLUDE_DIR unbound.h REQUIRED)
find_library(UNBOUND_LIBRARY unbound REQUIRED)
if(NOT TARGET unbound::unbound)
  add_library(unbound::unbound UNKNOWN IMPORTED)
  set_target_properties(unbound::unbound PROPERTIES IMPORTED_LOCATION "${UNBOUND_LIBRARY}"
                                                    INTERFACE_INCLUDE_DIRECTORIES "${UNBOUND_INCLUDE_DIR}")
endif()
if(MTASTS_JEMALLOC)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)  # libjemalloc-dev: malloc
endif()

# libasio-dev (standalone Asio) ships headers only, without a CMake package.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
if(NOT TARGET asio::asio)
  add_library(asio::asio INTERFACE IMPORTED)
  target_include_directories(asio::asio INTERFACE "${ASIO_INCLUDE_DIR}")
  target_compile_definitions(asio::asio INTERFACE ASIO_NO_DEPRECATED)
  target_link_libraries(asio::asio INTERFACE Threads::Threads)
endif()

if(MTASTS_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)             # libgtest-dev, libgmock-dev
endif()
