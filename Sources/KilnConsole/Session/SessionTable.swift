import Foundation
import KilnCore

/// The console's sessions, in memory: a server restart signs everyone out.
package actor SessionTable {
    /// How long a session lasts without use.
    package static let idleLimit: TimeInterval = 12 * 60 * 60

    private var sessions: [String: ConsoleSession] = [:]
    private let clock: any Clock

    /// An empty table on `clock`.
    package init(clock: any Clock) {
        self.clock = clock
    }

    /// A new session for `account`, with a new id and CSRF token.
    package func open(account: AccountID, accessKeyID: String, region: RegionName) -> ConsoleSession {
        let now = clock.now
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) < Self.idleLimit }
        let session = ConsoleSession(
            id: RandomToken.make(),
            account: account,
            accessKeyID: accessKeyID,
            region: region,
            csrfToken: RandomToken.make(),
            lastSeen: now
        )
        sessions[session.id] = session
        return session
    }

    /// The session `id` names, if it is open and was used recently; using it keeps it open.
    package func session(_ id: String) -> ConsoleSession? {
        let now = clock.now
        guard var session = sessions[id] else { return nil }
        guard now.timeIntervalSince(session.lastSeen) < Self.idleLimit else {
            sessions[id] = nil
            return nil
        }
        session.lastSeen = now
        sessions[id] = session
        return session
    }

    /// Points the session at `region`.
    package func setRegion(_ id: String, _ region: RegionName) {
        sessions[id]?.region = region
    }

    /// Keeps `flash` for the session's next page.
    package func setFlash(_ id: String, _ flash: Flash) {
        sessions[id]?.flash = flash
    }

    /// The flash waiting for the session's next page, which it then forgets.
    package func takeFlash(_ id: String) -> Flash? {
        let flash = sessions[id]?.flash
        sessions[id]?.flash = nil
        return flash
    }

    /// Ends the session.
    package func close(_ id: String) {
        sessions[id] = nil
    }
}
