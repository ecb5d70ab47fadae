import Foundation

/// A launch template: named, numbered versions of launch parameters, one of them the default.
package struct LaunchTemplate: StoredResource, Equatable {
    package static let kind = ResourcePrefix.launchTemplate

    /// One version of the template. Versions never change once made.
    package struct Version: Sendable, Codable, Equatable {
        package var number: Int
        package var description: String?
        package var createTime: Date
        /// The ARN of the principal that made it.
        package var createdBy: String
        package var data: LaunchTemplateData
    }

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var name: String
    package var createTime: Date
    package var createdBy: String
    package var defaultVersion: Int
    /// The highest version number ever given; deleted versions keep their numbers.
    package var latestVersion: Int
    /// The versions not deleted, in number order.
    package var versions: [Version]

    /// The version a specifier names: a number, `$Latest`, or `$Default` (also for `nil`).
    package func version(_ specifier: String?) -> Version? {
        switch specifier {
        case nil, "$Default": return versions.first { $0.number == defaultVersion }
        case "$Latest": return versions.last
        case let text?: return Int(text).flatMap { number in versions.first { $0.number == number } }
        }
    }
}

/// Launch template names: 3 to 128 letters, digits and `( ) . - / _`.
package enum LaunchTemplateName {
    /// Checks a name, throwing `InvalidLaunchTemplateName.MalformedException`.
    package static func validate(_ name: String) throws {
        let punctuation: Set<Character> = ["(", ")", ".", "-", "/", "_"]
        guard (3...128).contains(name.count), name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || punctuation.contains($0) }) else {
            throw CloudError.malformedLaunchTemplateName
        }
    }
}
