// The benchmark's client (tests/bench/bench.sh): sends the probe requests to
// blackbox_exporter at a fixed concurrency, waits for the agent's first round, and times a
// /metrics scrape. Its own CPU is not part of any figure: bench.sh reads the measured
// processes' counters from /proc.
//   bench_driver probe HOST PORT CONCURRENCY FILE   (FILE: one request target per line)
//   bench_driver wait-ready HOST PORT TIMEOUT_SECONDS
//   bench_driver scrape HOST PORT
//   bench_driver flood HOST PORT CLIENTS SECONDS [same|guesses]
//       wrong passwords from CLIENTS connections (the same one each time, or a new guess
//       each time), and a right-password scrape every second
// $BENCH_AUTH, when set, is sent as the Authorization header of wait-ready and scrape.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/gzip.hpp"
#include "http_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using mtasts::support::basic_authorization;
using mtasts::support::http_request;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int probe(const std::string& host, std::uint16_t port, int concurrency, const std::string& file) {
  std::vector<std::string> targets;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) targets.push_back(line);
  }
  std::atomic<std::size_t> next{0}, succeeded{0}, failed{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i; (i = next++) < targets.size();) {
        const auto r = http_request(host, port, "GET", targets[i], {}, std::chrono::seconds(60));
        const bool ok = r.ok && r.response.status == 200 &&
                        r.response.body.find("\nprobe_success 1") != std::string::npos;
        (ok ? succeeded : failed)++;
        if (!ok && failed <= 3) std::fprintf(stderr, "probe failed: %s\n", targets[i].c_str());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf("probes=%zu succeeded=%zu failed=%zu wall_seconds=%.2f\n", targets.size(),
              succeeded.load(), failed.load(), seconds_since(start));
  return failed == 0 ? 0 : 1;
}

std::vector<std::string> auth_headers() {
  const char* auth = std::getenv("BENCH_AUTH");
  if (auth == nullptr || *auth == '\0') return {};
  return {std::string("Authorization: ") + auth};
}

std::atomic<bool> g_terminated{false};

int flood(const std::string& host, std::uint16_t port, int clients, int seconds, bool guesses) {
  // bench_hammer.sh ends the flood with SIGTERM when the round is over: report, then exit.
  std::signal(SIGTERM, [](int) { g_terminated = true; });
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> refused{0}, busy{0}, scrapes{0}, failed{0}, no_answer{0};
  std::atomic<std::size_t> guess{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      while (!stop) {
        const std::string header =
            "Authorization: " +
            basic_authorization(guesses ? "prometheus:guess" + std::to_string(guess++)
                                        : "prometheus:wrong");
        const int status = http_request(host, port, "GET", "/metrics", {header}).response.status;
        (status == 401 ? refused : status == 429 ? busy : status == 0 ? no_answer : failed)++;
      }
    });
  }
  threads.emplace_back([&] {
    while (!stop) {
      const auto r = http_request(host, port, "GET", "/metrics",
                                  {"Accept-Encoding: gzip", auth_headers().at(0)});
      (r.response.status == 200 ? scrapes : failed)++;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  const auto start = Clock::now();
  while (!g_terminated && seconds_since(start) < seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (auto& t : threads) t.join();
  std::printf("flood_401=%zu flood_429=%zu scrapes_ok=%zu other=%zu\n", refused.load(), busy.load(),
              scrapes.load(), failed.load());
  return 0;
}

int wait_ready(const std::string& host, std::uint16_t port, int timeout_seconds) {
  const auto start = Clock::now();
  while (seconds_since(start) < timeout_seconds) {
    if (http_request(host, port, "GET", "/-/ready", auth_headers()).response.status == 200) {
      std::printf("ready_seconds=%.2f\n", seconds_since(start));
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::printf("ready_seconds=timeout\n");
  return 1;
}

int scrape(const std::string& host, std::uint16_t port) {
  const auto start = Clock::now();
  auto headers = auth_headers();
  headers.push_back("Accept-Encoding: gzip");
  const auto r = http_request(host, port, "GET", "/metrics", headers);
  const double took = seconds_since(start);
  const auto text = mtasts::gzip_decompress(r.response.body, 1u << 30);
  if (!r.ok || !text) {
    std::printf("scrape failed\n");
    return 1;
  }
  std::size_t series = 0, ok = 0;
  for (std::size_t at = 0; at < text->size();) {
    const auto end = text->find('\n', at);
    const std::string_view line(text->data() + at,
                                (end == std::string::npos ? text->size() : end) - at);
    if (!line.empty() && line[0] != '#') ++series;
    if (line.starts_with("mtasts_domain_verdict{") && line.ends_with("verdict=\"ok\"} 1")) ++ok;
    at = end == std::string::npos ? text->size() : end + 1;
  }
  std::printf("scrape_seconds=%.3f gzip_bytes=%zu text_bytes=%zu series=%zu domains_ok=%zu\n", took,
              r.response.body.size(), text->size(), series, ok);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "probe") {
    return probe(args[1], static_cast<std::uint16_t>(std::stoi(args[2])), std::stoi(args[3]),
                 args[4]);
  }
  if (args.size() == 4 && args[0] == "wait-ready") {
    return wait_ready(args[1], static_cast<std::uint16_t>(std::stoi(args[2])), std::stoi(args[3]));
  }
  if ((args.size() == 5 || args.size() == 6) && args[0] == "flood") {
    return flood(args[1], static_cast<std::uint16_t>(std::stoi(args[2])), std::stoi(args[3]),
                 std::stoi(args[4]), args.size() == 6 && args[5] == "guesses");
  }
  if (args.size() == 3 && args[0] == "scrape") {
    return scrape(args[1], static_cast<std::uint16_t>(std::stoi(args[2])));
  }
  std::fprintf(stderr,
               "usage: bench_driver probe HOST PORT CONCURRENCY FILE | wait-ready HOST PORT "
               "TIMEOUT | scrape HOST PORT | flood HOST PORT CLIENTS SECONDS [same|guesses]\n");
  return 2;
}
