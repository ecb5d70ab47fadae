import Foundation

/// An Auto Scaling group: a number of identical instances launched from one launch template
/// or launch configuration, kept at its desired capacity by ``Cloud/reconcileAutoScalingGroups()``.
package struct AutoScalingGroup: StoredResource, Equatable {
    package static let kind = ResourcePrefix.autoScalingGroup

    /// Where the group's instances come from.
    package enum LaunchSource: Sendable, Codable, Equatable {
        case template(LaunchRequest.TemplateSpecifier)
        case configuration(String)
    }

    /// A tag of the group, copied to its instances when `propagateAtLaunch`.
    package struct GroupTag: Sendable, Codable, Equatable {
        package var key: String
        package var value: String
        package var propagateAtLaunch: Bool

        /// Describes a tag.
        package init(key: String, value: String, propagateAtLaunch: Bool) {
            self.key = key
            self.value = value
            self.propagateAtLaunch = propagateAtLaunch
        }
    }

    /// An instance the group launched and still manages.
    package struct Member: Sendable, Codable, Equatable {
        package var instanceID: String
        package var availabilityZone: String
        package var lifecycleState: LifecycleState
        package var healthStatus: HealthStatus
        package var imageID: String
        package var instanceType: String
        /// The launch template version it was launched from, for templates.
        package var templateVersion: Int?
        package var launchConfigurationName: String?
        package var launchTime: Date
    }

    /// A record of something the group did: a launch or a termination, successful or failed.
    package struct Activity: Sendable, Codable, Equatable {
        package var id: String
        package var description: String
        package var cause: String
        package var startTime: Date
        package var endTime: Date
        package var statusCode: ActivityStatus
        package var statusMessage: String?
    }

    /// A rolling replacement of the instances that do not match the launch source.
    package struct InstanceRefresh: Sendable, Codable, Equatable {
        package var id: String
        package var status: RefreshStatus
        package var statusReason: String?
        package var startTime: Date
        package var endTime: Date?
        package var minHealthyPercentage: Int
        package var instanceWarmup: Int?
        /// How many instances needed replacing when the refresh started.
        package var instancesToUpdate: Int
        package var percentageComplete: Int

        /// Whether it still runs.
        package var isActive: Bool { status == .pending || status == .inProgress }
    }

    /// The name is the id within an account and region.
    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var name: String
    package var createdTime: Date
    package var source: LaunchSource
    package var minSize: Int
    package var maxSize: Int
    package var desiredCapacity: Int
    package var availabilityZones: [String]
    package var vpcZoneIdentifier: String?
    package var healthCheckType: String
    package var healthCheckGracePeriod: Int
    package var defaultCooldown: Int
    package var tags: [GroupTag]
    package var members: [Member]
    /// The newest activities first; the oldest are dropped past ``activityLimit``.
    package var activities: [Activity]
    /// The newest refresh first.
    package var refreshes: [InstanceRefresh]
    /// After a failed launch, no launch is tried before this time.
    package var nextLaunchAttempt: Date?
    /// `Delete in progress` while a forced delete terminates the instances.
    package var status: String?

    /// How many activities a group keeps.
    package static let activityLimit = 200

    /// The stored id of `name` in an account and region.
    package static func id(account: AccountID, region: RegionName, name: String) -> String {
        "autoscaling-group|\(account)|\(region)|\(name)"
    }

    /// The group's ARN.
    package var arn: String {
        "arn:aws:autoscaling:\(region):\(owner):autoScalingGroup:\(Self.uuid(of: id)):autoScalingGroupName/\(name)"
    }

    /// A UUID-shaped name derived from `text`, stable across restarts.
    static func uuid(of text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 7
        }
        let hex = String(hash, radix: 16).leftPadded(16) + String(second, radix: 16).leftPadded(16)
        let digits = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }

    /// Records an activity, keeping the newest ``activityLimit``.
    mutating func record(_ activity: Activity) {
        activities.insert(activity, at: 0)
        if activities.count > Self.activityLimit { activities.removeLast(activities.count - Self.activityLimit) }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// A launch configuration: the older, unversioned way to tell a group what to launch.
package struct LaunchConfiguration: StoredResource, Equatable {
    package static let kind = ResourcePrefix.launchConfiguration

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var name: String
    package var createdTime: Date
    package var data: LaunchTemplateData

    /// The stored id of `name` in an account and region.
    package static func id(account: AccountID, region: RegionName, name: String) -> String {
        "launch-configuration|\(account)|\(region)|\(name)"
    }

    /// The configuration's ARN.
    package var arn: String {
        "arn:aws:autoscaling:\(region):\(owner):launchConfiguration:\(AutoScalingGroup.uuid(of: id)):launchConfigurationName/\(name)"
    }
}
