import Foundation
import KilnCore
import KilnWire

/// The Recycle Bin (`rbin`, REST-JSON): retention rules, their locks and their tags.
enum RecycleBinFront {
    /// The Recycle Bin front over `recycleBin`.
    static func make(recycleBin: RecycleBinService, context: CloudContext) -> RESTJSONFront {
        var operations = OperationTable()
        registerRuleWrites(in: &operations, recycleBin: recycleBin, context: context)
        registerRuleReads(in: &operations, recycleBin: recycleBin, context: context)
        registerLocks(in: &operations, recycleBin: recycleBin)
        registerTags(in: &operations, recycleBin: recycleBin)
        return RESTJSONFront(signingName: RecycleBin.signingName, modeledErrors: RecycleBin.modeledErrors, operations: operations)
    }

    /// CreateRule, UpdateRule and DeleteRule.
    static func registerRuleWrites(in operations: inout OperationTable, recycleBin: RecycleBinService, context: CloudContext) {
        operations.on(RecycleBin.CreateRule.self) { input, caller in
            let (rule, tags) = try await recycleBin.createRule(
                caller,
                RecycleBinRuleRequest(
                    resourceType: input.resourceType.rawValue,
                    retentionValue: input.retentionPeriod.retentionPeriodValue,
                    retentionUnit: input.retentionPeriod.retentionPeriodUnit.rawValue,
                    description: input.description,
                    resourceTags: input.resourceTags.map(domainTags),
                    excludeResourceTags: input.excludeResourceTags.map(domainTags),
                    unlockDelay: input.lockConfiguration.map { ($0.unlockDelay.unlockDelayValue, $0.unlockDelay.unlockDelayUnit.rawValue) },
                    tags: (input.tags ?? []).map { Tag(key: $0.key, value: $0.value) }
                )
            )
            return RecycleBin.CreateRuleResponse(
                description: rule.description,
                excludeResourceTags: wireTags(rule.excludeResourceTags),
                identifier: rule.id,
                lockConfiguration: lockConfiguration(rule),
                lockState: rule.lockState.map { .init(rawValue: $0.rawValue) },
                resourceTags: wireTags(rule.resourceTags),
                resourceType: .init(rawValue: rule.resourceType.rawValue),
                retentionPeriod: retention(rule),
                ruleArn: rule.arn,
                status: .available,
                tags: tags.isEmpty ? nil : tags.map { RecycleBin.Tag(key: $0.key, value: $0.value) }
            )
        }

        operations.on(RecycleBin.UpdateRule.self) { input, caller in
            let rule = try await recycleBin.updateRule(
                caller,
                id: input.identifier,
                RecycleBinRuleRequest(
                    resourceType: input.resourceType?.rawValue,
                    retentionValue: input.retentionPeriod?.retentionPeriodValue,
                    retentionUnit: input.retentionPeriod?.retentionPeriodUnit.rawValue,
                    description: input.description,
                    resourceTags: input.resourceTags.map(domainTags),
                    excludeResourceTags: input.excludeResourceTags.map(domainTags)
                )
            )
            return RecycleBin.UpdateRuleResponse(wireRule(rule, now: context.clock.now))
        }

        operations.on(RecycleBin.DeleteRule.self) { input, caller in
            try await recycleBin.deleteRule(caller, id: input.identifier)
            return RecycleBin.DeleteRuleResponse()
        }
    }

    /// GetRule and ListRules.
    static func registerRuleReads(in operations: inout OperationTable, recycleBin: RecycleBinService, context: CloudContext) {
        operations.on(RecycleBin.GetRule.self) { input, caller in
            wireRule(try await recycleBin.rule(caller, id: input.identifier), now: context.clock.now)
        }

        operations.on(RecycleBin.ListRules.self) { input, caller in
            let page = try context.pageRequest(
                "ListRules",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 1...1000,
                parameters: [input.resourceType.rawValue, String(describing: input.resourceTags), input.lockState?.rawValue ?? ""]
            )
            let (rules, nextToken) = try await recycleBin.listRules(
                caller,
                resourceType: input.resourceType.rawValue,
                resourceTags: input.resourceTags.map(domainTags),
                excludeResourceTags: input.excludeResourceTags.map(domainTags),
                lockState: input.lockState?.rawValue,
                page: page
            )
            let now = context.clock.now
            return RecycleBin.ListRulesResponse(
                nextToken: nextToken,
                rules: rules.map {
                    RecycleBin.RuleSummary(
                        description: $0.description,
                        identifier: $0.id,
                        lockState: $0.lockState(at: now).map { .init(rawValue: $0.rawValue) },
                        retentionPeriod: retention($0),
                        ruleArn: $0.arn
                    )
                }
            )
        }
    }

    /// LockRule and UnlockRule.
    static func registerLocks(in operations: inout OperationTable, recycleBin: RecycleBinService) {
        operations.on(RecycleBin.LockRule.self) { input, caller in
            let delay = input.lockConfiguration.unlockDelay
            let rule = try await recycleBin.lockRule(
                caller,
                id: input.identifier,
                unlockDelay: delay.unlockDelayValue,
                unit: delay.unlockDelayUnit.rawValue
            )
            return RecycleBin.LockRuleResponse(wireRule(rule, lockState: rule.lockState, lockEndTime: nil))
        }

        operations.on(RecycleBin.UnlockRule.self) { input, caller in
            let rule = try await recycleBin.unlockRule(caller, id: input.identifier)
            return RecycleBin.UnlockRuleResponse(wireRule(rule, lockState: rule.lockState, lockEndTime: rule.lockEndTime))
        }
    }

    /// TagResource, UntagResource and ListTagsForResource.
    static func registerTags(in operations: inout OperationTable, recycleBin: RecycleBinService) {
        operations.on(RecycleBin.TagResource.self) { input, caller in
            try await recycleBin.tagResource(caller, arn: input.resourceArn, tags: input.tags.map { Tag(key: $0.key, value: $0.value) })
            return RecycleBin.TagResourceResponse()
        }
        operations.on(RecycleBin.UntagResource.self) { input, caller in
            try await recycleBin.untagResource(caller, arn: input.resourceArn, keys: input.tagKeys)
            return RecycleBin.UntagResourceResponse()
        }
        operations.on(RecycleBin.ListTagsForResource.self) { input, caller in
            let tags = try await recycleBin.tags(caller, arn: input.resourceArn)
            return RecycleBin.ListTagsForResourceResponse(tags: tags.map { RecycleBin.Tag(key: $0.key, value: $0.value) })
        }
    }

    static func domainTags(_ tags: [RecycleBin.ResourceTag]) -> [RecycleBinRule.ResourceTag] {
        tags.map { RecycleBinRule.ResourceTag(key: $0.resourceTagKey, value: $0.resourceTagValue) }
    }

    static func wireTags(_ tags: [RecycleBinRule.ResourceTag]) -> [RecycleBin.ResourceTag]? {
        tags.isEmpty ? nil : tags.map { RecycleBin.ResourceTag(resourceTagKey: $0.key, resourceTagValue: $0.value) }
    }

    static func retention(_ rule: RecycleBinRule) -> RecycleBin.RetentionPeriod {
        RecycleBin.RetentionPeriod(retentionPeriodUnit: .days, retentionPeriodValue: rule.retentionDays)
    }

    static func lockConfiguration(_ rule: RecycleBinRule) -> RecycleBin.LockConfiguration? {
        rule.unlockDelayDays.map { RecycleBin.LockConfiguration(unlockDelay: RecycleBin.UnlockDelay(unlockDelayUnit: .days, unlockDelayValue: $0)) }
    }
}
