import Foundation
import KilnCore
import KilnWire

extension RecycleBinFront {
    /// A rule as GetRule answers it, its lock as it stands at `now`: the end of the unlock
    /// delay only while the rule is pending unlock. UpdateRule answers the same.
    static func wireRule(_ rule: RecycleBinRule, now: Date) -> RecycleBin.GetRuleResponse {
        let lockState = rule.lockState(at: now)
        return wireRule(rule, lockState: lockState, lockEndTime: lockState == .pendingUnlock ? rule.lockEndTime : nil)
    }

    /// A rule as GetRule answers it, with the lock given: every answer that describes a rule
    /// is drawn from this one, less the fields its call's shape lacks.
    static func wireRule(_ rule: RecycleBinRule, lockState: RecycleBinRule.LockState?, lockEndTime: Date?) -> RecycleBin.GetRuleResponse {
        RecycleBin.GetRuleResponse(
            description: rule.description,
            excludeResourceTags: wireTags(rule.excludeResourceTags),
            identifier: rule.id,
            lockConfiguration: lockConfiguration(rule),
            lockEndTime: lockEndTime,
            lockState: lockState.map { .init(rawValue: $0.rawValue) },
            resourceTags: wireTags(rule.resourceTags),
            resourceType: .init(rawValue: rule.resourceType.rawValue),
            retentionPeriod: retention(rule),
            ruleArn: rule.arn,
            status: .available
        )
    }
}

extension RecycleBin.UpdateRuleResponse {
    /// GetRule's answer for the rule, without its lock configuration, which UpdateRule's lacks.
    init(_ rule: RecycleBin.GetRuleResponse) {
        self.init(
            description: rule.description,
            excludeResourceTags: rule.excludeResourceTags,
            identifier: rule.identifier,
            lockEndTime: rule.lockEndTime,
            lockState: rule.lockState,
            resourceTags: rule.resourceTags,
            resourceType: rule.resourceType,
            retentionPeriod: rule.retentionPeriod,
            ruleArn: rule.ruleArn,
            status: rule.status
        )
    }
}

extension RecycleBin.LockRuleResponse {
    /// GetRule's answer for the rule, without its lock end time, which LockRule's lacks.
    init(_ rule: RecycleBin.GetRuleResponse) {
        self.init(
            description: rule.description,
            excludeResourceTags: rule.excludeResourceTags,
            identifier: rule.identifier,
            lockConfiguration: rule.lockConfiguration,
            lockState: rule.lockState,
            resourceTags: rule.resourceTags,
            resourceType: rule.resourceType,
            retentionPeriod: rule.retentionPeriod,
            ruleArn: rule.ruleArn,
            status: rule.status
        )
    }
}

extension RecycleBin.UnlockRuleResponse {
    /// GetRule's answer for the rule.
    init(_ rule: RecycleBin.GetRuleResponse) {
        self.init(
            description: rule.description,
            excludeResourceTags: rule.excludeResourceTags,
            identifier: rule.identifier,
            lockConfiguration: rule.lockConfiguration,
            lockEndTime: rule.lockEndTime,
            lockState: rule.lockState,
            resourceTags: rule.resourceTags,
            resourceType: rule.resourceType,
            retentionPeriod: rule.retentionPeriod,
            ruleArn: rule.ruleArn,
            status: rule.status
        )
    }
}
