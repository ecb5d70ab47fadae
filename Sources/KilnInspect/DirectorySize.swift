/// A directory and the bytes of every file under it.
package struct DirectorySize: Sendable, Codable, Equatable {
    package var path: String
    package var bytes: Int
    package var files: Int
}
