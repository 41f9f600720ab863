import BenchmarkSupport
import Foundation

/// What the run happened on, for the report.
struct MachineInfo: Codable {
    let processors: Int
    let cpu: String
    let kernel: String
    let swift: String
    let memoryGiB: Double
    let loadAverageAtStart: String

    static func current() -> MachineInfo {
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        return MachineInfo(
            processors: ProcessInfo.processInfo.activeProcessorCount,
            cpu: MachineProbe.cpuModel,
            kernel: MachineProbe.kernelRelease,
            swift: MachineProbe.firstLine(of: ["swift", "--version"]),
            memoryGiB: (Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30) * 10).rounded() / 10,
            loadAverageAtStart: load
        )
    }

    var summary: String {
        "\(processors) × \(cpu), \(memoryGiB) GiB, Linux \(kernel), \(swift); "
            + "load average at start \(loadAverageAtStart)"
    }
}
