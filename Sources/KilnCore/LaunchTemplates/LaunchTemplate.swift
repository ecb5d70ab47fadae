import Foundation

/// A launch template: named, numbered versions of launch parameters, one of them the default.
public struct LaunchTemplate: StoredResource, Equatable {
    public static let kind = ResourcePrefix.launchTemplate

    /// One version of the template. Versions never change once made.
    public struct Version: Sendable, Codable, Equatable {
        public var number: Int
        public var description: String?
        public var createTime: Date
        /// The ARN of the principal that made it.
        public var createdBy: String
        public var data: LaunchTemplateData
    }

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    public var name: String
    public var createTime: Date
    public var createdBy: String
    public var defaultVersion: Int
    /// The highest version number ever given; deleted versions keep their numbers.
    public var latestVersion: Int
    /// The versions not deleted, in number order.
    public var versions: [Version]

    /// The version a specifier names: a number, `$Latest`, or `$Default` (also for `nil`).
    public func version(_ specifier: String?) -> Version? {
        switch specifier {
        case nil, "$Default": return versions.first { $0.number == defaultVersion }
        case "$Latest": return versions.last
        case let text?: return Int(text).flatMap { number in versions.first { $0.number == number } }
        }
    }
}

/// Launch template names: 3 to 128 letters, digits and `( ) . - / _`.
public enum LaunchTemplateName {
    /// Checks a name, throwing `InvalidLaunchTemplateName.MalformedException`.
    public static func validate(_ name: String) throws {
        let punctuation: Set<Character> = ["(", ")", ".", "-", "/", "_"]
        guard (3...128).contains(name.count), name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || punctuation.contains($0) }) else {
            throw CloudError.malformedLaunchTemplateName
        }
    }
}
