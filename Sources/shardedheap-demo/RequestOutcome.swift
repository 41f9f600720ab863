/// What one simulated request produced.
struct RequestOutcome: Sendable {
    /// Bytes written and checked by the request itself (its body, and its response when it was
    /// answered inline).
    var tally: CheckTally
    /// The response to hand to the sender, or nil when it was answered inline.
    var outgoing: Outgoing?
}
