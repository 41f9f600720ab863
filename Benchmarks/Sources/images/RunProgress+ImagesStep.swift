import BenchmarkSupport

extension RunProgress {
    /// The progress of an `images` run with `options`: every step of ``ImagesStep/plan(_:)``,
    /// weighted in reference nanoseconds.
    static func images(_ options: Options) -> RunProgress {
        let plan = ImagesStep.plan(options)
        return RunProgress(
            label: "images",
            count: plan.count,
            totalWeight: plan.reduce(0) { $0 + $1.weight(options) },
            secondsPerWeight: 1e-9
        )
    }

    /// Starts `step` of a run with `options`.
    func start(_ step: ImagesStep, _ options: Options) {
        start(step.title(options), weight: step.weight(options))
    }
}
