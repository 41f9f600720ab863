import BenchmarkSupport
import Foundation

/// The text and JSON forms of one run, and the goals of issue 6 checked against it.
struct ImagesReport {
    let results: ImagesResults

    /// One goal: what it asks, what was measured, whether it is met (nil: not measured).
    struct Goal {
        let text: String
        let measured: String
        let met: Bool?
    }

    var goals: [Goal] {
        var goals: [Goal] = []
        if let open = results.open {
            let measured = String(format: "%.4f ms", open.median / 1e6)
            goals.append(Goal(text: "MappedImage opens in under 1 ms", measured: measured, met: open.median < 1e6))
        }
        if let lookup = results.lookup {
            let measured = String(format: "%.0f ns", lookup.median)
            goals.append(
                Goal(text: "a random elements[i] takes under 300 ns", measured: measured, met: lookup.median < 300)
            )
        }
        if let speedup = results.copySpeedup {
            let measured = String(format: "%.2fx", speedup.median)
            goals.append(
                Goal(
                    text: "OffHeap.copy at least 3x faster than JSONEncoder",
                    measured: measured,
                    met: speedup.median >= 3
                )
            )
        }
        if results.jsonBytes > 0 {
            goals.append(
                Goal(
                    text: "the image is smaller than the JSON",
                    measured: "\(megabytes(results.imageBytes)) against \(megabytes(results.jsonBytes))",
                    met: results.imageBytes < results.jsonBytes
                )
            )
        }
        return goals
    }

    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

    private func seconds(_ timing: ImagesResults.Timing?) -> String {
        guard let timing else { return "not measured" }
        return String(format: "%.3f s", timing.median)
    }

    private func nanoseconds(_ timing: ImagesResults.Timing?) -> String {
        guard let timing else { return "not measured" }
        return String(format: "%.0f ns", timing.median)
    }

    private func spread(_ timing: ImagesResults.Timing?, _ format: String) -> String {
        guard let timing, timing.runs.count > 1 else { return "" }
        let low = String(format: format, timing.runs.min()!)
        let high = String(format: format, timing.runs.max()!)
        return "(\(low) to \(high))"
    }

    /// A table row of `cells`.
    private func row(_ cells: String...) -> String { "| " + cells.joined(separator: " | ") + " |" }

    /// `text` with the spread of `timing` after it, when it has more than one run.
    private func with(_ text: String, _ timing: ImagesResults.Timing?, _ format: String) -> String {
        let range = spread(timing, format)
        return range.isEmpty ? text : "\(text) \(range)"
    }

    private func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    func markdown() -> String {
        let r = results
        let perRecord = { (timing: ImagesResults.Timing?) -> String in
            timing.map { String(format: "%.0f ns", $0.median / Double(r.count) * 1e9) } ?? "not measured"
        }
        let open = r.open.map { String(format: "%.4f ms", $0.median / 1e6) } ?? "not measured"
        let sizeRatio = r.jsonBytes > 0 ? fixed(Double(r.imageBytes) / Double(r.jsonBytes), 2) : ""
        var lines: [String] = [
            "# Off-heap images: `[Person]` against Foundation's JSON",
            "",
            "Written by `Benchmarks/Sources/images` (issue 6). Command:",
            "",
            "```sh",
            r.command,
            "```",
            "",
            "- Date (the machine's clock, which may be off): \(r.date)",
            "- Machine: \(r.machine?.summary ?? "unknown")",
            "- Records: \(r.count) `Person { name: String, age: Int, height: Int }`; names of 2 to about 40 "
                + "bytes, about one in eight with a non-ASCII letter",
            "- Whole-array steps: median of \(r.wholeArrayReps) run(s) each. Lookups: \(r.lookupsPerPass) "
                + "seeded random indices per pass; one first pass on a fresh mapping, then the median of "
                + "\(r.lookupPasses) passes (range in brackets). One record's JSON: the first "
                + "\(r.jsonRecordsPerPass) indices of the same sequence, each record encoded on its own "
                + "beforehand, one `JSONDecoder` reused, the same passes.",
            "- Peak RSS \(r.peakRSSMiB) MiB; the run took \(fixed(r.totalSeconds, 0)) s",
            "",
            row("step", "ShardedHeap", "Foundation JSON", "ratio"),
            row("---", "---", "---", "---"),
            row(
                "write the array",
                with("`OffHeap.copy` \(seconds(r.copy))", r.copy, "%.3f"),
                with("`JSONEncoder().encode` \(seconds(r.jsonEncode))", r.jsonEncode, "%.3f"),
                r.copySpeedup.map { String(format: "%.2fx faster", $0.median) } ?? ""
            ),
            row("bytes", "image \(megabytes(r.imageBytes))", "JSON \(megabytes(r.jsonBytes))", sizeRatio),
            row(
                "open",
                "`MappedImage(contentsOf:)` \(open) (median of \(r.open?.runs.count ?? 0))",
                "(none: JSON is decoded)",
                ""
            ),
            row(
                "one random record",
                with("`elements[i]` \(nanoseconds(r.lookup))", r.lookup, "%.0f")
                    + "; first pass \(nanoseconds(r.lookupFirstPass))",
                with(
                    "`JSONDecoder` of one record's JSON \(nanoseconds(r.jsonRecordDecode))",
                    r.jsonRecordDecode,
                    "%.0f"
                ),
                ratio(r.jsonRecordDecode, r.lookup)
            ),
            row(
                "find one random record, not decode it",
                with("`elements.cursor(at: i).kind` \(nanoseconds(r.locate))", r.locate, "%.0f"),
                "",
                ""
            ),
            row(
                "find one random record, each find waiting for the one before",
                with(
                    "`elements.cursor(at: i).count`, chained, \(nanoseconds(r.locateChained))",
                    r.locateChained,
                    "%.0f"
                ),
                "",
                ""
            ),
            row(
                "one random record, each read waiting for the one before",
                with("`elements[i]`, chained, \(nanoseconds(r.lookupChained))", r.lookupChained, "%.0f"),
                "",
                ""
            ),
            row(
                "Codable alone, no memory read",
                with(
                    "`Person(from:)` from a decoder that reads nothing \(nanoseconds(r.nullDecode))",
                    r.nullDecode,
                    "%.0f"
                ),
                "",
                ""
            ),
            row(
                "read the whole array",
                "`image.get()` \(seconds(r.getInMemory)); `MappedImage.get()` \(seconds(r.getMapped)) "
                    + "(\(perRecord(r.getMapped)) per record)",
                "`JSONDecoder().decode` \(seconds(r.jsonDecode)) (\(perRecord(r.jsonDecode)) per record)",
                ratio(r.jsonDecode, r.getMapped)
            ),
            "",
            "Image file written (temporary file, fsync, rename) in \(fixed(r.writeFileSeconds, 2)) s; building "
                + "the records took \(fixed(r.buildSeconds, 2)) s. Minor page faults: \(r.firstPassFaults) in the "
                + "first lookup pass, \(r.lookupPassFaults.map { fixed($0.median, 0) } ?? "not measured") (median) "
                + "in each timed pass.",
            "",
            "## Goals",
            "",
            row("goal", "measured", "met"),
            row("---", "---", "---"),
        ]
        for goal in goals {
            lines.append(row(goal.text, goal.measured, goal.met.map { $0 ? "yes" : "**no**" } ?? "not measured"))
        }
        if let chained = r.locateChained, let codable = r.nullDecode {
            lines += [
                "",
                "A floor under a Codable `elements[i]` on this machine: one find's full latency (chained) "
                    + "\(fixed(chained.median, 0)) ns plus Codable alone \(fixed(codable.median, 0)) ns = "
                    + "\(fixed(chained.median + codable.median, 0)) ns.",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "N.NNx faster" for slower / faster.
    private func ratio(_ slower: ImagesResults.Timing?, _ faster: ImagesResults.Timing?) -> String {
        guard let slower, let faster, faster.median > 0 else { return "" }
        return String(format: "%.2fx faster", slower.median / faster.median)
    }

    /// Writes `images.json` and `images.md` into `directory`; returns the paths written.
    ///
    /// - Throws: ``OutputError`` for a file that cannot be written, or the encoder's error.
    func write(to directory: OutputDirectory) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(results)
        return [
            try directory.write(json, to: "images.json"),
            try directory.write(Data(markdown().utf8), to: "images.md"),
        ]
    }
}
