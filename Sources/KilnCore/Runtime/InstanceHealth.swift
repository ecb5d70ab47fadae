/// The verdicts of an instance's two status checks, as DescribeInstanceStatus shows them: the
/// system check (is the machine running?) and the instance check (is the guest alive?).
package struct InstanceHealth: Sendable, Equatable, Codable {
    /// One check's verdict.
    package enum Verdict: String, Sendable, Codable {
        case ok, impaired, initializing
        case insufficientData = "insufficient-data"
        case notApplicable = "not-applicable"
    }

    package var system: Verdict
    package var instance: Verdict

    /// Both checks with one verdict.
    package init(_ both: Verdict) {
        system = both
        instance = both
    }

    /// The checks with their own verdicts.
    package init(system: Verdict, instance: Verdict) {
        self.system = system
        self.instance = instance
    }

    /// What the records alone say: `ok` while running; `impaired` for an instance stopped
    /// because its machine failed; `not-applicable` otherwise.
    static func recorded(_ instance: Instance) -> InstanceHealth {
        switch instance.state {
        case .running: return InstanceHealth(.ok)
        case .stopped where instance.stateReason?.code == "Server.InternalError": return InstanceHealth(.impaired)
        default: return InstanceHealth(.notApplicable)
        }
    }
}
