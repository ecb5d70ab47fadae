/// Where an action leads, and what it reports there.
struct ActionOutcome: Sendable {
    var location: String
    var message: String
}
