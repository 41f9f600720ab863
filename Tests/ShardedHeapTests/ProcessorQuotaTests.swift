import Foundation
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// The cgroup CPU quota parser, fed sample files laid out as the kernel does.
@Suite("Processor count under cgroup CPU quotas")
struct ProcessorQuotaTests {
    /// A fresh directory standing in for /sys/fs/cgroup, with `files` (path under it: content),
    /// and a /proc/self/cgroup stand-in holding `selfCgroup`.
    static func sampleTree(_ files: [String: String], selfCgroup: String) throws -> (root: String, selfCgroup: String) {
        let root = NSTemporaryDirectory() + "cgroup-sample-\(UUID().uuidString)"
        for (path, content) in files {
            let url = URL(fileURLWithPath: root + path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let selfPath = root + "/self-cgroup"
        try selfCgroup.write(toFile: selfPath, atomically: true, encoding: .utf8)
        return (root, selfPath)
    }

    @Test(
        "cgroup v2 cpu.max in the process's own cgroup",
        arguments: [
            ("200000 100000\n", 2), ("150000 100000\n", 2), ("50000 100000\n", 1), ("400000 100000\n", 4),
            ("max 100000\n", nil), ("garbage\n", nil),
        ] as [(String, Int?)]
    )
    func cgroupV2(cpuMax: String, expected: Int?) throws {
        let tree = try Self.sampleTree(
            ["/system.slice/app.service/cpu.max": cpuMax, "/cpu.max": "max 100000\n"],
            selfCgroup: "0::/system.slice/app.service\n"
        )
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        #expect(ProcessorQuota.limit(root: tree.root, selfCgroup: tree.selfCgroup) == expected)
    }

    @Test("cgroup v2 with the container's cgroup mounted as the root")
    func cgroupV2AtRoot() throws {
        let tree = try Self.sampleTree(["/cpu.max": "300000 100000\n"], selfCgroup: "0::/\n")
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        #expect(ProcessorQuota.limit(root: tree.root, selfCgroup: tree.selfCgroup) == 3)
    }

    @Test(
        "cgroup v1 cfs quota over period, in either controller directory",
        arguments: [
            ("/cpu", "200000\n", "100000\n", 2), ("/cpu,cpuacct", "250000\n", "100000\n", 3),
            ("/cpu", "-1\n", "100000\n", nil), ("/cpu", "100000\n", "0\n", nil),
        ] as [(String, String, String, Int?)]
    )
    func cgroupV1(directory: String, quota: String, period: String, expected: Int?) throws {
        let tree = try Self.sampleTree(
            [directory + "/cpu.cfs_quota_us": quota, directory + "/cpu.cfs_period_us": period],
            selfCgroup: "12:cpu,cpuacct:/docker/abc\n"
        )
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        #expect(ProcessorQuota.limit(root: tree.root, selfCgroup: tree.selfCgroup) == expected)
    }

    @Test("No cgroup files means no limit, and the shared group follows affinity and quota")
    func noFiles() throws {
        let tree = try Self.sampleTree([:], selfCgroup: "")
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        #expect(ProcessorQuota.limit(root: tree.root, selfCgroup: tree.selfCgroup) == nil)
        let affinity = Mimalloc.activeProcessorCount
        #expect(ShardGroup.activeProcessorCount == min(affinity, ProcessorQuota.limit() ?? affinity))
        #expect(ShardGroup.activeProcessorCount >= 1)
    }
}
