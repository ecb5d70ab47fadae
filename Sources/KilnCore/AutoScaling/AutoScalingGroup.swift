import Foundation

/// An Auto Scaling group: a number of identical instances launched from one launch template
/// or launch configuration, kept at its desired capacity by ``Cloud/reconcileAutoScalingGroups()``.
public struct AutoScalingGroup: StoredResource, Equatable {
    public static let kind = ResourcePrefix.autoScalingGroup

    /// Where the group's instances come from.
    public enum LaunchSource: Sendable, Codable, Equatable {
        case template(LaunchRequest.TemplateSpecifier)
        case configuration(String)
    }

    /// A tag of the group, copied to its instances when `propagateAtLaunch`.
    public struct GroupTag: Sendable, Codable, Equatable {
        public var key: String
        public var value: String
        public var propagateAtLaunch: Bool

        /// Describes a tag.
        public init(key: String, value: String, propagateAtLaunch: Bool) {
            self.key = key
            self.value = value
            self.propagateAtLaunch = propagateAtLaunch
        }
    }

    /// An instance the group launched and still manages.
    public struct Member: Sendable, Codable, Equatable {
        public var instanceID: String
        public var availabilityZone: String
        public var lifecycleState: LifecycleState
        public var healthStatus: HealthStatus
        public var imageID: String
        public var instanceType: String
        /// The launch template version it was launched from, for templates.
        public var templateVersion: Int?
        public var launchConfigurationName: String?
        public var launchTime: Date
    }

    /// A record of something the group did: a launch or a termination, successful or failed.
    public struct Activity: Sendable, Codable, Equatable {
        public var id: String
        public var description: String
        public var cause: String
        public var startTime: Date
        public var endTime: Date
        public var statusCode: ActivityStatus
        public var statusMessage: String?
    }

    /// A rolling replacement of the instances that do not match the launch source.
    public struct InstanceRefresh: Sendable, Codable, Equatable {
        public var id: String
        public var status: RefreshStatus
        public var statusReason: String?
        public var startTime: Date
        public var endTime: Date?
        public var minHealthyPercentage: Int
        public var instanceWarmup: Int?
        /// How many instances needed replacing when the refresh started.
        public var instancesToUpdate: Int
        public var percentageComplete: Int

        /// Whether it still runs.
        public var isActive: Bool { status == .pending || status == .inProgress }
    }

    /// The name is the id within an account and region.
    public var id: String
    public var owner: AccountID
    public var region: RegionName
    public var name: String
    public var createdTime: Date
    public var source: LaunchSource
    public var minSize: Int
    public var maxSize: Int
    public var desiredCapacity: Int
    public var availabilityZones: [String]
    public var vpcZoneIdentifier: String?
    public var healthCheckType: String
    public var healthCheckGracePeriod: Int
    public var defaultCooldown: Int
    public var tags: [GroupTag]
    public var members: [Member]
    /// The newest activities first; the oldest are dropped past ``activityLimit``.
    public var activities: [Activity]
    /// The newest refresh first.
    public var refreshes: [InstanceRefresh]
    /// After a failed launch, no launch is tried before this time.
    public var nextLaunchAttempt: Date?
    /// `Delete in progress` while a forced delete terminates the instances.
    public var status: String?

    /// How many activities a group keeps.
    public static let activityLimit = 200

    /// The stored id of `name` in an account and region.
    public static func id(account: AccountID, region: RegionName, name: String) -> String {
        "autoscaling-group|\(account)|\(region)|\(name)"
    }

    /// The group's ARN.
    public var arn: String {
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
public struct LaunchConfiguration: StoredResource, Equatable {
    public static let kind = ResourcePrefix.launchConfiguration

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    public var name: String
    public var createdTime: Date
    public var data: LaunchTemplateData

    /// The stored id of `name` in an account and region.
    public static func id(account: AccountID, region: RegionName, name: String) -> String {
        "launch-configuration|\(account)|\(region)|\(name)"
    }

    /// The configuration's ARN.
    public var arn: String {
        "arn:aws:autoscaling:\(region):\(owner):launchConfiguration:\(AutoScalingGroup.uuid(of: id)):launchConfigurationName/\(name)"
    }
}
