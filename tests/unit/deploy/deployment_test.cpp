// The deployment files, validated offline (no cluster, no container runtime here): the
// Kubernetes manifests hang together (selectors, ports, probes, shards, security context),
// the PrometheusRule carries exactly the shipped rules, the configurations they embed pass
// `mta-sts-agent --config.check` with the same flags, the compose stack's files exist and its
// Prometheus and Alertmanager configurations pass promtool and amtool, and the Dockerfile
// builds with the libraries setup installs and runs as a non-root user.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "run_process.hpp"

namespace mtasts::support {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
namespace fs = std::filesystem;
const fs::path kSource = MTASTS_SOURCE_DIR;
const fs::path kKubernetes = kSource / "deploy/kubernetes";
const fs::path kCompose = kSource / "deploy/compose";

/// Every document of the manifests kustomization.yaml lists, by kind.
std::map<std::string, YAML::Node> manifests() {
  std::map<std::string, YAML::Node> by_kind;
  const YAML::Node kustomization = YAML::LoadFile((kKubernetes / "kustomization.yaml").string());
  for (const auto& resource : kustomization["resources"]) {
    const fs::path file = kKubernetes / resource.as<std::string>();
    EXPECT_TRUE(fs::exists(file)) << file;
    for (const auto& doc : YAML::LoadAllFromFile(file.string())) {
      EXPECT_TRUE(doc["apiVersion"] && doc["kind"] && doc["metadata"]["name"]) << file;
      const auto kind = doc["kind"].as<std::string>();
      EXPECT_FALSE(by_kind.contains(kind)) << "two " << kind;
      by_kind[kind] = doc;
    }
  }
  return by_kind;
}

bool labels_match(const YAML::Node& selector, const YAML::Node& labels) {
  if (!selector || selector.size() == 0) return false;
  for (const auto& kv : selector) {
    const auto key = kv.first.as<std::string>();
    if (!labels[key] || labels[key].as<std::string>() != kv.second.as<std::string>()) return false;
  }
  return true;
}

TEST(Kubernetes, ManifestsHangTogether) {
  auto m = manifests();
  for (const char* kind :
       {"Namespace", "ConfigMap", "Service", "StatefulSet", "ServiceMonitor", "PrometheusRule"})
    ASSERT_TRUE(m.contains(kind)) << kind;
  const YAML::Node sts = m["StatefulSet"]["spec"];
  const YAML::Node pod = sts["template"];
  const YAML::Node service = m["Service"];
  EXPECT_EQ(sts["serviceName"].as<std::string>(), service["metadata"]["name"].as<std::string>());
  EXPECT_TRUE(labels_match(sts["selector"]["matchLabels"], pod["metadata"]["labels"]));
  EXPECT_TRUE(labels_match(service["spec"]["selector"], pod["metadata"]["labels"]));
  EXPECT_TRUE(labels_match(m["ServiceMonitor"]["spec"]["selector"]["matchLabels"],
                           service["metadata"]["labels"]));

  ASSERT_EQ(pod["spec"]["containers"].size(), 1u);
  const YAML::Node container = pod["spec"]["containers"][0];
  std::vector<std::string> port_names;
  for (const auto& p : container["ports"]) port_names.push_back(p["name"].as<std::string>());
  for (const auto& p : service["spec"]["ports"])
    EXPECT_THAT(port_names, Contains(p["targetPort"].as<std::string>()));
  std::vector<std::string> service_ports;
  for (const auto& p : service["spec"]["ports"])
    service_ports.push_back(p["name"].as<std::string>());
  for (const auto& e : m["ServiceMonitor"]["spec"]["endpoints"])
    EXPECT_THAT(service_ports, Contains(e["port"].as<std::string>()));
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/-/ready");
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/-/healthy");

  // One shard per replica.
  const auto args = container["args"].as<std::vector<std::string>>();
  EXPECT_THAT(args, Contains("--shard.total=" + sts["replicas"].as<std::string>()));

  // Non-root, read-only, no privileges.
  EXPECT_TRUE(pod["spec"]["securityContext"]["runAsNonRoot"].as<bool>());
  EXPECT_NE(pod["spec"]["securityContext"]["runAsUser"].as<int>(), 0);
  EXPECT_FALSE(container["securityContext"]["allowPrivilegeEscalation"].as<bool>());
  EXPECT_TRUE(container["securityContext"]["readOnlyRootFilesystem"].as<bool>());
  EXPECT_EQ(container["securityContext"]["capabilities"]["drop"][0].as<std::string>(), "ALL");

  // Every mount has a volume or a claim template; the state directory is persistent.
  std::vector<std::string> volumes;
  for (const auto& v : pod["spec"]["volumes"]) volumes.push_back(v["name"].as<std::string>());
  for (const auto& c : sts["volumeClaimTemplates"])
    volumes.push_back(c["metadata"]["name"].as<std::string>());
  bool state_mounted = false;
  for (const auto& mount : container["volumeMounts"]) {
    EXPECT_THAT(volumes, Contains(mount["name"].as<std::string>()));
    state_mounted |= "--storage.path=" + mount["mountPath"].as<std::string>() ==
                     *std::find_if(args.begin(), args.end(), [](const std::string& a) {
                       return a.starts_with("--storage.path=");
                     });
  }
  EXPECT_TRUE(state_mounted) << "--storage.path is not on a mounted volume";
  for (const auto& v : pod["spec"]["volumes"]) {
    if (v["configMap"]) {
      EXPECT_EQ(v["configMap"]["name"].as<std::string>(),
                m["ConfigMap"]["metadata"]["name"].as<std::string>());
    }
  }
}

TEST(Kubernetes, PrometheusRuleCarriesTheShippedRules) {
  auto m = manifests();
  const YAML::Node plain =
      YAML::LoadFile((kSource / "deploy/prometheus/mta-sts-agent.rules.yml").string());
  EXPECT_EQ(YAML::Dump(m["PrometheusRule"]["spec"]["groups"]), YAML::Dump(plain["groups"]))
      << "run deploy/kubernetes/update-prometheusrule.sh";
}

TEST(Kubernetes, ConfigMapAndArgumentsPassTheAgentsConfigCheck) {
  const std::string agent = std::string(MTASTS_AGENT);
  ASSERT_FALSE(agent.empty());
  auto m = manifests();
  // The ConfigMap as the pod sees it: each item at its path under the mount.
  const fs::path dir =
      fs::temp_directory_path() / ("mtasts-k8s-config-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const YAML::Node pod = m["StatefulSet"]["spec"]["template"]["spec"];
  const YAML::Node container = pod["containers"][0];
  std::string mount_path;
  for (const auto& mount : container["volumeMounts"])
    if (mount["name"].as<std::string>() == "config")
      mount_path = mount["mountPath"].as<std::string>();
  ASSERT_FALSE(mount_path.empty());
  for (const auto& v : pod["volumes"]) {
    if (!v["configMap"]) continue;
    for (const auto& item : v["configMap"]["items"]) {
      const fs::path file = dir / item["path"].as<std::string>();
      fs::create_directories(file.parent_path());
      std::ofstream(file)
          << m["ConfigMap"]["data"][item["key"].as<std::string>()].as<std::string>();
    }
  }
  std::vector<std::string> args;
  for (auto arg : container["args"].as<std::vector<std::string>>()) {
    if (arg.starts_with("--config.file=" + mount_path))
      arg = "--config.file=" + (dir / arg.substr(14 + mount_path.size() + 1)).string();
    args.push_back(arg);
  }
  args.push_back("--config.check");
  const auto run = run_process(agent, args);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("is valid: 3 targets from 2 files"));
  fs::remove_all(dir);
}

TEST(Compose, EveryMountedFileExistsAndEachConfigValidates) {
  const YAML::Node compose = YAML::LoadFile((kCompose / "compose.yml").string());
  for (const char* service : {"agent", "prometheus", "alertmanager", "grafana"})
    ASSERT_TRUE(compose["services"][service]) << service;
  for (const auto& service : compose["services"]) {
    for (const auto& volume : service.second["volumes"]) {
      const auto spec = volume.as<std::string>();
      if (!spec.starts_with(".")) continue;  // a named volume
      const fs::path source = kCompose / spec.substr(0, spec.find(':'));
      EXPECT_TRUE(fs::exists(source)) << service.first << ": " << source;
    }
  }
  const auto& build = compose["services"]["agent"]["build"];
  EXPECT_TRUE(fs::exists(kCompose / build["context"].as<std::string>() /
                         build["dockerfile"].as<std::string>()));

  const std::string agent = std::string(MTASTS_AGENT);
  const auto check = run_process(
      agent, {"--config.check", "--config.file=" + (kCompose / "mta-sts-agent.yml").string()});
  EXPECT_EQ(check.exit_code, 0) << check.err;

  // Prometheus resolves rule_files next to its configuration, as the mounts place them.
  if (const auto promtool = std::string(MTASTS_PROMTOOL); !promtool.empty()) {
    const fs::path dir =
        fs::temp_directory_path() / ("mtasts-compose-prometheus-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(kCompose / "prometheus.yml", dir / "prometheus.yml");
    fs::copy(kSource / "deploy/prometheus/mta-sts-agent.rules.yml",
             dir / "mta-sts-agent.rules.yml");
    const auto run = run_process(promtool, {"check", "config", (dir / "prometheus.yml").string()});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    fs::remove_all(dir);
  }
  if (const auto amtool = std::string(MTASTS_AMTOOL); !amtool.empty()) {
    const auto run =
        run_process(amtool, {"check-config", (kCompose / "alertmanager.yml").string()});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  }
}

TEST(Dockerfile, BuildsWithTheLibrariesSetupInstallsAndRunsAsNonRoot) {
  const std::string dockerfile = slurp(kSource / "deploy/docker/Dockerfile");
  const std::string setup = slurp(kSource / "scripts/setup-debian.sh");

  // The lines after "# libraries the agent links" in setup-debian.sh, up to the next comment.
  const auto at = setup.find("# libraries the agent links");
  ASSERT_NE(at, std::string::npos);
  std::stringstream libraries(setup.substr(setup.find('\n', at) + 1));
  std::string line;
  int lines = 0;
  while (std::getline(libraries, line) && line.find_first_not_of(' ') != std::string::npos &&
         line[line.find_first_not_of(' ')] != '#') {
    ++lines;
    std::stringstream words(line);
    for (std::string package; words >> package;)
      EXPECT_THAT(dockerfile, HasSubstr(" " + package)) << "the image build lacks " << package;
  }
  EXPECT_GE(lines, 3);

  // The last USER is not root, the base is bookworm-slim for both stages.
  const std::regex user(R"(\nUSER ([^\n]+))");
  std::string last_user;
  for (std::sregex_iterator it(dockerfile.begin(), dockerfile.end(), user), end; it != end; ++it)
    last_user = (*it)[1];
  ASSERT_FALSE(last_user.empty());
  EXPECT_FALSE(last_user.starts_with("0") || last_user.starts_with("root")) << last_user;
  const std::regex from(R"(\nFROM ([^\s]+))");
  int stages = 0;
  for (std::sregex_iterator it(dockerfile.begin(), dockerfile.end(), from), end; it != end; ++it) {
    EXPECT_EQ((*it)[1], "debian:bookworm-slim");
    ++stages;
  }
  EXPECT_EQ(stages, 2);

  // The image's command, with the configuration it names replaced by the example.
  const std::regex cmd(R"(\nCMD \[([^\]]*)\])");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dockerfile, m, cmd));
  std::vector<std::string> args;
  const std::string list = m[1];
  const std::regex quoted(R"re("([^"]*)")re");
  for (std::sregex_iterator it(list.begin(), list.end(), quoted), end; it != end; ++it) {
    std::string arg = (*it)[1];
    if (arg.starts_with("--config.file="))
      arg = "--config.file=" + (kSource / "deploy/mta-sts-agent.yml").string();
    args.push_back(arg);
  }
  args.push_back("--config.check");
  const auto run = run_process(std::string(MTASTS_AGENT), args);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

}  // namespace
}  // namespace mtasts::support
