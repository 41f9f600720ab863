import ShardedHeap

/// Carries one `UniqueRegion` between tasks and threads (tests only; one thread at a time).
public final class RegionParcel {
    private var owner: UniqueRegion?

    public init(_ owner: consuming UniqueRegion) { self.owner = .some(owner) }

    /// Runs `body` with the region; traps when it was taken already.
    public func region<Result, Failure: Error>(_ body: (Region) throws(Failure) -> Result) throws(Failure) -> Result {
        switch owner {
        case .some(let held): return try body(held.region)
        case .none: fatalError("RegionParcel: the region was taken")
        }
    }

    /// Takes the region out; traps when it was taken already.
    public func take() -> UniqueRegion { owner.take()! }
}

// @unchecked: the test hands the parcel over and waits; one thread touches it at a time.
extension RegionParcel: @unchecked Sendable {}
