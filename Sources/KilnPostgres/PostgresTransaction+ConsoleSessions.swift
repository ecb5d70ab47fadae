import Foundation
import KilnCore
import PostgresNIO

/// Console sessions: one row each, by id, with the time of last use indexed for expiry.
extension PostgresTransaction {
    func consoleSession(_ id: String) throws -> ConsoleSessionRecord? {
        try rows("SELECT last_seen, body FROM console_session WHERE id = \(id)").first.map { row in
            let (lastSeen, body) = try row.decode((Double, Data).self)
            return ConsoleSessionRecord(id: id, lastSeen: Date(timeIntervalSince1970: lastSeen), body: body)
        }
    }

    func saveConsoleSession(_ record: ConsoleSessionRecord) throws {
        try rows(
            """
            INSERT INTO console_session (id, last_seen, body) VALUES (\(record.id), \(record.lastSeen.timeIntervalSince1970), \(record.body))
            ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, body = excluded.body
            """
        )
    }

    func removeConsoleSession(_ id: String) throws {
        try rows("DELETE FROM console_session WHERE id = \(id)")
    }

    func removeConsoleSessions(idleSince cutoff: Date) throws {
        try rows("DELETE FROM console_session WHERE last_seen < \(cutoff.timeIntervalSince1970)")
    }
}
