import Foundation
import GRDB
import KilnCore

/// Console sessions: one row each, by id, with the time of last use indexed for expiry.
extension SQLiteTransaction {
    func consoleSession(_ id: String) throws -> ConsoleSessionRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT last_seen, body FROM console_session WHERE id = ?"), arguments: [id]).map { row in
            ConsoleSessionRecord(id: id, lastSeen: Date(timeIntervalSince1970: row["last_seen"]), body: row["body"])
        }
    }

    func saveConsoleSession(_ record: ConsoleSessionRecord) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO console_session (id, last_seen, body) VALUES (?, ?, ?)",
            arguments: [record.id, record.lastSeen.timeIntervalSince1970, record.body]
        )
    }

    func removeConsoleSession(_ id: String) throws {
        try db.execute(sql: "DELETE FROM console_session WHERE id = ?", arguments: [id])
    }

    func removeConsoleSessions(idleSince cutoff: Date) throws {
        try db.execute(sql: "DELETE FROM console_session WHERE last_seen < ?", arguments: [cutoff.timeIntervalSince1970])
    }
}
