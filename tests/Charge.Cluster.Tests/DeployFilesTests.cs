using Charge.Tests;
using YamlDotNet.RepresentationModel;

namespace Charge.Cluster.Tests;

/// <summary>No Docker engine or cluster runs here: the deploy files are checked for syntax and for the settings they must carry.</summary>
public sealed class DeployFilesTests
{
    private static readonly string Deploy = Path.Combine(SharedData.RepositoryRoot, "deploy");

    private static List<YamlMappingNode> Documents(string relativePath)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Deploy, relativePath));
        yaml.Load(reader);
        return yaml.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    private static string? Text(YamlNode node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    [Fact]
    public void Every_yaml_file_in_deploy_parses()
    {
        var files = Directory.GetFiles(Deploy, "*.yaml", SearchOption.AllDirectories);
        Assert.True(files.Length >= 6);
        foreach (var file in files)
        {
            Assert.NotEmpty(Documents(Path.GetRelativePath(Deploy, file)));
        }
    }

    [Fact]
    public void The_compose_file_runs_azurite_redis_two_silos_and_a_gateway_wired_together()
    {
        var compose = Documents("compose.yaml").Single();
        var services = (YamlMappingNode)At(compose, "services")!;

        Assert.Equal(["azurite", "gateway", "redis", "silo-1", "silo-2"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order());
        foreach (var silo in new[] { "silo-1", "silo-2" })
        {
            Assert.Equal("deploy/docker/Dockerfile.silo", Text(compose, "services", silo, "build", "dockerfile"));
            var env = (YamlMappingNode)At(compose, "services", silo, "environment")!;
            var keys = env.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
            // The merge key brings in the shared blocks.
            Assert.Contains("<<", keys);
        }

        var storage = Text(compose, "x-storage", "Charge__Storage__ConnectionString")!;
        Assert.Contains("BlobEndpoint=http://azurite:10000", storage);
        Assert.Contains("TableEndpoint=http://azurite:10002", storage);
        Assert.Equal("redis:6379", Text(compose, "x-cluster", "Charge__Cluster__RedisConnectionString"));
        Assert.Contains("5081:5081", ((YamlSequenceNode)At(compose, "services", "gateway", "ports")!).Children.Select(c => ((YamlScalarNode)c).Value));
    }

    [Fact]
    public void Every_kubernetes_object_has_api_version_kind_and_name()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml"))
        {
            foreach (var doc in Documents(Path.GetRelativePath(Deploy, file)))
            {
                Assert.False(string.IsNullOrEmpty(Text(doc, "apiVersion")), file);
                Assert.False(string.IsNullOrEmpty(Text(doc, "kind")), file);
                Assert.False(string.IsNullOrEmpty(Text(doc, "metadata", "name")), file);
            }
        }
    }

    [Fact]
    public void Silo_pods_carry_what_orleans_kubernetes_hosting_reads()
    {
        var docs = Documents("kubernetes/silo.yaml");
        var deployment = docs.Single(d => Text(d, "kind") == "Deployment");
        var labels = (YamlMappingNode)At(deployment, "spec", "template", "metadata", "labels")!;
        var container = ((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")!).Children.Cast<YamlMappingNode>().Single();
        var env = ((YamlSequenceNode)At(container, "env")!).Children.Select(e => Text(e, "name")).ToList();

        Assert.Contains(new YamlScalarNode("orleans/serviceId"), labels.Children.Keys);
        Assert.Contains(new YamlScalarNode("orleans/clusterId"), labels.Children.Keys);
        Assert.Superset(new HashSet<string?> { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID", "Charge__Cluster__Kubernetes" }, env.ToHashSet());
        Assert.Equal("charge-silo", Text(deployment, "spec", "template", "spec", "serviceAccountName"));
        var role = docs.Single(d => Text(d, "kind") == "Role");
        var verbs = ((YamlSequenceNode)At(((YamlSequenceNode)At(role, "rules")!).Children[0], "verbs")!).Children.Select(v => ((YamlScalarNode)v).Value);
        Assert.Superset(new HashSet<string?> { "get", "watch", "list", "delete" }, verbs.ToHashSet());
    }

    [Fact]
    public void Gateways_are_a_deployment_with_a_service_for_http_and_grpc()
    {
        var docs = Documents("kubernetes/gateway.yaml");
        Assert.Contains(docs, d => Text(d, "kind") == "Deployment");
        var service = docs.Single(d => Text(d, "kind") == "Service");
        var ports = ((YamlSequenceNode)At(service, "spec", "ports")!).Children.Select(p => Text(p, "targetPort")).ToList();
        Assert.Equal(["http", "grpc"], ports);
    }

    [Fact]
    public void Silos_and_gateways_hold_the_cluster_certificate_and_only_they_reach_the_orleans_ports()
    {
        foreach (var file in new[] { "kubernetes/silo.yaml", "kubernetes/gateway.yaml" })
        {
            var deployment = Documents(file).Single(d => Text(d, "kind") == "Deployment");
            var container = ((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")!).Children[0];
            var env = ((YamlSequenceNode)At(container, "env")!).Children.Select(e => Text(e, "name")).ToList();
            Assert.Contains("Charge__Cluster__TlsCertificatePath", env);
            Assert.Contains("Charge__Cluster__TlsCertificatePassword", env);
            var volumes = ((YamlSequenceNode)At(deployment, "spec", "template", "spec", "volumes")!).Children;
            Assert.Contains(volumes, v => Text(At(v, "secret")!, "secretName") == "charge-cluster-tls");
        }

        var policy = Documents("kubernetes/cluster-tls-secret.example.yaml").Single(d => Text(d, "kind") == "NetworkPolicy");
        var rules = ((YamlSequenceNode)At(policy, "spec", "ingress")!).Children;
        var rule = rules.Single(r => At(r, "from") is not null);
        // The probes' and scrape's port is open to the network; the silo serves /metrics to the scrape networks only.
        var open = rules.Single(r => At(r, "from") is null);
        Assert.Equal(["8081"], ((YamlSequenceNode)At(open, "ports")!).Children.Select(p => Text(p, "port")));
        var ports = ((YamlSequenceNode)At(rule, "ports")!).Children.Select(p => Text(p, "port")).Order().ToList();
        var from = ((YamlSequenceNode)At(rule, "from")!).Children.Select(f => Text(At(f, "podSelector", "matchLabels")!, "app.kubernetes.io/name")).Order().ToList();
        Assert.Equal(["11111", "30000"], ports);
        Assert.Equal(["charge-gateway", "charge-silo"], from);
    }

    [Fact]
    public void Settings_in_deploy_files_name_real_options()
    {
        // A misspelled Charge__ key would be silently ignored by configuration binding.
        var known = new[]
        {
            "Charge__Silo__HostGateway", "Charge__Cluster__Provider", "Charge__Cluster__RedisConnectionString", "Charge__Cluster__ClusterId",
            "Charge__Cluster__ServiceId", "Charge__Cluster__AdvertisedIp", "Charge__Cluster__ListenOnAnyHostAddress", "Charge__Cluster__Kubernetes",
            "Charge__Storage__Provider", "Charge__Storage__ConnectionString", "Charge__Storage__Container", "Charge__Storage__ArchiveTable", "Charge__Storage__InvoiceTable",
            "Charge__Storage__Serializer",
            "Charge__Gateway__HttpUrl", "Charge__Gateway__GrpcUrl", "Charge__Security__Jwt__SigningKey", "Charge__Security__Jwt__Authority",
            "Charge__Cluster__TlsCertificatePath", "Charge__Cluster__TlsCertificatePassword",
            "Charge__Silo__HttpUrl", "Charge__Telemetry__ScrapeNetworks__0", "Charge__Telemetry__OtlpEndpoint",
        };
        foreach (var file in Directory.GetFiles(Deploy, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)))
        {
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"Charge__\w+"))
            {
                Assert.True(known.Contains(m.Value), $"{Path.GetFileName(file)}: unknown setting {m.Value}");
            }
        }
    }

    [Fact]
    public void Silos_and_gateways_are_probed_for_liveness_and_readiness_on_a_port_they_serve()
    {
        foreach (var (file, port) in new[] { ("kubernetes/silo.yaml", "8081"), ("kubernetes/gateway.yaml", "5080") })
        {
            var deployment = Documents(file).Single(d => Text(d, "kind") == "Deployment");
            var container = ((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")!).Children[0];
            var ports = ((YamlSequenceNode)At(container, "ports")!).Children.ToDictionary(p => Text(p, "name")!, p => Text(p, "containerPort"));

            Assert.Equal("/health/live", Text(container, "livenessProbe", "httpGet", "path"));
            Assert.Equal("/health/ready", Text(container, "readinessProbe", "httpGet", "path"));
            Assert.Equal(port, ports[Text(container, "readinessProbe", "httpGet", "port")!]);
            Assert.Equal(port, Text(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/port"));
        }

        var silo = Documents("kubernetes/silo.yaml").Single(d => Text(d, "kind") == "Deployment");
        var siloEnv = ((YamlSequenceNode)At(((YamlSequenceNode)At(silo, "spec", "template", "spec", "containers")!).Children[0], "env")!)
            .Children.ToDictionary(e => Text(e, "name")!, e => Text(e, "value"));
        Assert.Equal("http://0.0.0.0:8081", siloEnv["Charge__Silo__HttpUrl"]);

        var compose = Documents("compose.yaml").Single();
        Assert.Equal("http://0.0.0.0:8081", Text(compose, "x-silo", "Charge__Silo__HttpUrl"));
        foreach (var (service, url) in new[] { ("silo-1", "http://127.0.0.1:8081/health/ready"), ("silo-2", "http://127.0.0.1:8081/health/ready"), ("gateway", "http://127.0.0.1:5080/health/ready") })
        {
            var test = ((YamlSequenceNode)At(compose, "services", service, "healthcheck", "test")!).Children.Select(c => ((YamlScalarNode)c).Value).ToList();
            Assert.Equal(["health", "--url", url], test[^3..]);
        }

        Assert.Equal("service_healthy", Text(compose, "services", "gateway", "depends_on", "silo-1", "condition"));
    }

    [Fact]
    public void The_grafana_dashboard_queries_only_metrics_the_code_exports()
    {
        // Every instrument of ours, in its Prometheus form: dots to underscores, the unit (ms: milliseconds), _total on counters.
        var exported = new HashSet<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(SharedData.RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file),
                         @"Create(Counter|UpDownCounter|Histogram)<\w+>\(""(charge\.[a-z._]+)"",\s*""([^""]*)"""))
            {
                var name = m.Groups[2].Value.Replace('.', '_') + (m.Groups[3].Value == "ms" ? "_milliseconds" : "");
                exported.UnionWith(m.Groups[1].Value switch
                {
                    "Counter" => [name + "_total"],
                    "Histogram" => [name + "_bucket", name + "_count", name + "_sum"],
                    _ => [name],
                });
            }
        }

        var dashboard = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Deploy, "grafana", "orleans-charge.json")))!;
        var queries = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray().Select(t => t!["expr"]!.GetValue<string>())).ToList();
        // Our attribute names (charge.transport) are labels in Prometheus, not metrics.
        var labels = new[] { Charge.Grains.Interfaces.ChargeTelemetry.TransportTag, Charge.Grains.Interfaces.ChargeTelemetry.ChargerIdTag, Charge.Grains.Interfaces.ChargeTelemetry.SessionIdTag }
            .Select(l => l.Replace('.', '_'));
        var used = queries.SelectMany(q => System.Text.RegularExpressions.Regex.Matches(q, @"\bcharge_[a-z_]+").Select(m => m.Value)).Except(labels).ToHashSet();

        Assert.True(exported.Count >= 12, string.Join(", ", exported));
        Assert.Empty(used.Except(exported));
        // What an operator watches first: ingest, active sessions, connected chargers, p99 latencies, storage errors.
        Assert.Superset(new HashSet<string> { "charge_readings_accepted_total", "charge_sessions_active", "charge_ocpp_connected", "charge_storage_failures_total" }, used);
        Assert.Contains(queries, q => q.Contains("histogram_quantile(0.99", StringComparison.Ordinal) && q.Contains("http_server_request_duration_seconds_bucket", StringComparison.Ordinal));
    }
}
