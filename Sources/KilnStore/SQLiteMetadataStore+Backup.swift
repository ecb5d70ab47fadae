import GRDB

extension SQLiteMetadataStore {
    /// Copies the database as it stood at one moment into a new file at `path`, with SQLite's
    /// online backup: writes go on meanwhile, and the copy holds none of them half-done.
    package func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try database.backup(to: destination)
        try destination.close()
    }
}
