/// A default actor, to hop through in tests.
public actor Hopper {
    public private(set) var visits = 0

    public init() {}

    public func visit() { visits += 1 }
}
