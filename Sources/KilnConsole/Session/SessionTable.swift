import Foundation
import KilnCore

/// The console's sessions, kept in the metadata store: any node that shares the store serves
/// a signed-in browser, and a restart signs no one out.
package struct SessionTable: Sendable {
    /// How long a session lasts without use.
    package static let idleLimit: TimeInterval = 12 * 60 * 60
    /// How stale a session's recorded last use may get before a request records it again, so
    /// that reading pages does not write the store on every request.
    static let lastSeenResolution: TimeInterval = 60

    private let store: any MetadataStore
    private let clock: any Clock

    /// The sessions `store` keeps, aged by `clock`.
    package init(store: any MetadataStore, clock: any Clock) {
        self.store = store
        self.clock = clock
    }

    /// A new session for `account`, with a new id and CSRF token; sessions idle too long end.
    package func open(account: AccountID, accessKeyID: String, region: RegionName) async throws -> ConsoleSession {
        let now = clock.now
        let session = ConsoleSession(
            id: RandomToken.make(),
            account: account,
            accessKeyID: accessKeyID,
            region: region,
            csrfToken: RandomToken.make(),
            lastSeen: now
        )
        let record = try Self.record(of: session)
        try await store.write { transaction in
            try transaction.removeConsoleSessions(idleSince: now.addingTimeInterval(-Self.idleLimit))
            try transaction.saveConsoleSession(record)
        }
        return session
    }

    /// The session `id` names, if it is open and was used recently; using it keeps it open.
    package func session(_ id: String) async throws -> ConsoleSession? {
        let now = clock.now
        guard let record = try await store.readCommitted({ try $0.consoleSession(id) }) else { return nil }
        let session = try Self.session(of: record)
        guard now.timeIntervalSince(session.lastSeen) < Self.idleLimit else {
            try await store.write { try $0.removeConsoleSession(id) }
            return nil
        }
        if now.timeIntervalSince(session.lastSeen) >= Self.lastSeenResolution {
            return try await update(id) { $0.lastSeen = now }
        }
        return session
    }

    /// Points the session at `region`.
    package func setRegion(_ id: String, _ region: RegionName) async throws {
        try await update(id) { $0.region = region }
    }

    /// Keeps `flash` for the session's next page.
    package func setFlash(_ id: String, _ flash: Flash) async throws {
        try await update(id) { $0.flash = flash }
    }

    /// The flash waiting for the session's next page, which it then forgets.
    package func takeFlash(_ id: String) async throws -> Flash? {
        guard let record = try await store.readCommitted({ try $0.consoleSession(id) }) else { return nil }
        guard let flash = try Self.session(of: record).flash else { return nil }
        try await update(id) { $0.flash = nil }
        return flash
    }

    /// Ends the session.
    package func close(_ id: String) async throws {
        try await store.write { try $0.removeConsoleSession(id) }
    }

    /// Changes the session `id` in one transaction, if it is open; answers it changed.
    @discardableResult
    private func update(_ id: String, _ change: @escaping @Sendable (inout ConsoleSession) -> Void) async throws -> ConsoleSession? {
        try await store.write { transaction in
            guard let record = try transaction.consoleSession(id) else { return nil }
            var session = try Self.session(of: record)
            change(&session)
            try transaction.saveConsoleSession(Self.record(of: session))
            return session
        }
    }

    private static let encoder = StoredJSON.encoder
    private static let decoder = StoredJSON.decoder

    static func record(of session: ConsoleSession) throws -> ConsoleSessionRecord {
        ConsoleSessionRecord(id: session.id, lastSeen: session.lastSeen, body: try encoder.encode(session))
    }

    static func session(of record: ConsoleSessionRecord) throws -> ConsoleSession {
        try decoder.decode(ConsoleSession.self, from: record.body)
    }
}
