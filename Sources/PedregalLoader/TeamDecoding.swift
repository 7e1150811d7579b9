import PedregalDiagnostics
import PedregalSpec
import PedregalYAML

extension FileDecoder {
    func team(_ root: YAMLNode) -> TeamSpec {
        var team = TeamSpec(file: file, location: root.location)
        guard let r = object(root, FormatSchema.team, path: "") else { return team }
        team.team = r.string("team")
        team.shortName = r.string("shortName")
        if let o = r.object("owners", FormatSchema.owners) {
            var owners = Owners(location: o.location)
            owners.admins = o.stringList("admins")
            owners.members = o.stringList("members")
            team.owners = owners
        }
        team.contact = r.string("contact")
        team.catalogs = r.stringList("catalogs")
        team.environmentsLocation = r.keyLocation("environments")
        team.environments = (r.entries("environments", what: "environments") ?? []).compactMap { pair in
            var environment = TeamEnvironment(name: Located(pair.key, at: pair.keyLocation))
            guard
                let e = object(
                    pair.value, FormatSchema.teamEnvironment, path: "environments.\(pair.key)",
                    owner: pair.keyLocation)
            else {
                return environment
            }
            environment.regions = e.stringList("regions")
            environment.size = e.string("size")
            environment.quota = e.object("quota", FormatSchema.quota).map(quota)
            return environment
        }
        if let n = r.object("network", FormatSchema.network) {
            var network = NetworkSpec(location: n.location)
            for (index, item) in (n.list("sparkConnectFrom") ?? []).enumerated() {
                if let peer = object(item, FormatSchema.networkPeer, path: "network.sparkConnectFrom[\(index)]"),
                    let namespace = peer.string("namespace")
                {
                    network.sparkConnectFrom.append(namespace)
                }
            }
            team.network = network
        }
        team.sparkConnect = (r.list("sparkConnect") ?? []).enumerated().compactMap { index, node in
            object(node, FormatSchema.sparkConnect, path: "sparkConnect[\(index)]").map(sparkConnect)
        }
        team.jobs = (r.list("jobs") ?? []).enumerated().compactMap { index, node in
            object(node, FormatSchema.job, path: "jobs[\(index)]").map(job)
        }
        return team
    }

    private func sparkConnect(_ r: ObjectReader) -> SparkConnectSpec {
        var cluster = SparkConnectSpec(location: r.location)
        cluster.name = r.string("name")
        cluster.environments = r.stringList("environments")
        cluster.regions = r.stringList("regions")
        cluster.size = r.string("size")
        cluster.catalogs = r.stringList("catalogs")
        if let pairs = r.entries("hotClusters", what: "environment names to server counts") {
            cluster.hotClusters = pairs.compactMap { pair in
                int(pair.value, path: "\(r.path("hotClusters")).\(pair.key)", minimum: 0, maximum: 100).map {
                    (Located(pair.key, at: pair.keyLocation), $0)
                }
            }
        }
        cluster.expiresAt = r.raw("expiresAt").flatMap { scalarText($0, path: r.path("expiresAt")) }
        cluster.engine = r.string("engine")
        return cluster
    }

    private func job(_ r: ObjectReader) -> JobSpec {
        var job = JobSpec(location: r.location)
        job.name = r.string("name")
        job.type = r.enumeration("type", as: JobType.self)
        job.schedule = r.string("schedule")
        job.concurrency = r.enumeration("concurrency", as: JobConcurrency.self)
        job.retry = r.object("retry", FormatSchema.retry).map { retry in
            var spec = RetrySpec(location: retry.location)
            spec.policy = retry.enumeration("policy", as: RetryPolicy.self)
            spec.maxAttempts = retry.int("maxAttempts", minimum: 1, maximum: 10)
            return spec
        }
        job.environments = r.stringList("environments")
        job.regions = r.stringList("regions")
        job.engine = r.string("engine")
        job.mainApplicationFile = r.string("mainApplicationFile")
        job.mainClass = r.string("mainClass")
        if let items = r.list("args") {
            job.args = items.enumerated().compactMap { index, item in
                scalarText(item, path: "\(r.path("args"))[\(index)]")
            }
        }
        job.driver = r.object("driver", FormatSchema.driver).map(driver)
        job.executor = r.object("executor", FormatSchema.executor).map(executor)
        if let pairs = r.entries("sparkConf", what: "Spark properties") {
            job.sparkConf = pairs.compactMap { pair in
                scalarText(pair.value, path: "\(r.path("sparkConf")).\(pair.key)").map {
                    (Located(pair.key, at: pair.keyLocation), $0)
                }
            }
        }
        job.catalogs = r.stringList("catalogs")
        job.sizing = r.object("sizing", FormatSchema.sizing).map(sizing)
        return job
    }

    private func sizing(_ r: ObjectReader) -> SizingSpec {
        var sizing = SizingSpec(location: r.location)
        sizing.mode = r.enumeration("mode", as: SizingMode.self)
        sizing.runs = r.int("runs", minimum: 1, maximum: 50)
        func counts(_ key: String) -> CountRangeSpec? {
            r.object(key, FormatSchema.countRange).map {
                CountRangeSpec(
                    location: $0.location, min: $0.int("min", minimum: 1, maximum: 100_000),
                    max: $0.int("max", minimum: 1, maximum: 100_000))
            }
        }
        func memory(_ key: String) -> MemoryRangeSpec? {
            r.object(key, FormatSchema.memoryRange).map { range in
                MemoryRangeSpec(
                    location: range.location,
                    min: range.raw("min").flatMap { sparkMemory($0, path: range.path("min")) },
                    max: range.raw("max").flatMap { sparkMemory($0, path: range.path("max")) })
            }
        }
        sizing.executorInstances = counts("executorInstances")
        sizing.executorMemory = memory("executorMemory")
        sizing.driverMemory = memory("driverMemory")
        sizing.shufflePartitions = counts("shufflePartitions")
        return sizing
    }
}
