import Foundation

/// The Recycle Bin: retention rules, and the snapshots and images they keep after deletion.
package struct RecycleBinService: CloudService {
    package let context: CloudContext
}

/// CreateRule, GetRule, ListRules, UpdateRule, DeleteRule, LockRule and UnlockRule.
extension RecycleBinService {
    static let secondsPerDay: TimeInterval = 86_400
    static let retentionDays = 1...365
    static let unlockDelayDays = 7...30
    static let maximumTags = 50

    /// CreateRule.
    package func createRule(_ caller: Caller, _ request: RecycleBinRuleRequest) async throws -> (RecycleBinRule, [Tag]) {
        guard let type = request.resourceType.flatMap(RecycleBinRule.ResourceType.init(rawValue:)) else {
            throw CloudError.recycleBinValidation("ResourceType must be EBS_SNAPSHOT or EC2_IMAGE.")
        }
        for tag in request.tags { try tag.validate() }
        let id = String(ids.resourceID(.recycleBinRule).suffix(11))
        var rule = RecycleBinRule(
            id: id,
            owner: caller.account,
            region: caller.region,
            resourceType: type,
            retentionDays: try Self.retention(request.retentionValue, request.retentionUnit),
            description: request.description,
            resourceTags: request.resourceTags ?? [],
            excludeResourceTags: request.excludeResourceTags ?? []
        )
        try Self.checkTags(rule)
        if let delay = request.unlockDelay {
            guard rule.resourceTags.isEmpty else {
                throw CloudError.recycleBinValidation("Only region-level rules (without ResourceTags) can be locked.")
            }
            rule.unlockDelayDays = try Self.unlockDelay(delay.value, delay.unit)
            rule.lockState = .locked
        }
        let saved = rule
        try await write(caller) { transaction in
            try transaction.save(saved)
            for tag in request.tags { try transaction.putTag(tag, on: saved.arn, resourceType: "rule", by: caller.account, region: caller.region) }
        }
        return (rule, request.tags)
    }

    /// GetRule.
    package func rule(_ caller: Caller, id: String) async throws -> RecycleBinRule {
        try await read(caller) { try Self.ownedRule(id, caller: caller, in: $0) }
    }

    /// ListRules: the caller's rules of one resource type, with the given resource tags, lock
    /// state or exclusion tags.
    package func listRules(
        _ caller: Caller,
        resourceType: String,
        resourceTags: [RecycleBinRule.ResourceTag]?,
        excludeResourceTags: [RecycleBinRule.ResourceTag]?,
        lockState: String?,
        page: PageRequest
    ) async throws -> (items: [RecycleBinRule], nextToken: String?) {
        guard let type = RecycleBinRule.ResourceType(rawValue: resourceType) else {
            throw CloudError.recycleBinValidation("ResourceType must be EBS_SNAPSHOT or EC2_IMAGE.")
        }
        let now = clock.now
        let rules = try await read(caller) { transaction in
            try transaction.fetchAll(RecycleBinRule.self, region: caller.region, owner: caller.account).filter { rule in
                rule.resourceType == type
                    && (resourceTags.map { Set($0.map(\.key)) == Set(rule.resourceTags.map(\.key)) && $0 == rule.resourceTags } ?? true)
                    && (excludeResourceTags.map { $0 == rule.excludeResourceTags } ?? true)
                    && (lockState.map { $0 == (rule.lockState(at: now) ?? .unlocked).rawValue } ?? true)
            }
        }
        return try page.page(of: rules)
    }

    /// UpdateRule: a locked rule may change only its description.
    package func updateRule(_ caller: Caller, id: String, _ request: RecycleBinRuleRequest) async throws -> RecycleBinRule {
        let now = clock.now
        return try await write(caller) { transaction in
            var rule = try Self.ownedRule(id, caller: caller, in: transaction)
            let changesMoreThanDescription =
                request.retentionValue != nil || request.resourceTags != nil || request.excludeResourceTags != nil || request.resourceType != nil
            if changesMoreThanDescription, rule.isLocked(at: now) { throw CloudError.recycleBinRuleLocked(id) }
            if let type = request.resourceType {
                guard let parsed = RecycleBinRule.ResourceType(rawValue: type) else {
                    throw CloudError.recycleBinValidation("ResourceType must be EBS_SNAPSHOT or EC2_IMAGE.")
                }
                rule.resourceType = parsed
            }
            if request.retentionValue != nil { rule.retentionDays = try Self.retention(request.retentionValue, request.retentionUnit) }
            if let description = request.description { rule.description = description }
            if let tags = request.resourceTags { rule.resourceTags = tags }
            if let tags = request.excludeResourceTags { rule.excludeResourceTags = tags }
            try Self.checkTags(rule)
            try transaction.save(rule)
            return rule
        }
    }

    /// DeleteRule: not while the rule is locked or its unlock is pending.
    package func deleteRule(_ caller: Caller, id: String) async throws {
        let now = clock.now
        try await write(caller) { transaction in
            let rule = try Self.ownedRule(id, caller: caller, in: transaction)
            if rule.isLocked(at: now) { throw CloudError.recycleBinRuleLocked(id) }
            try transaction.delete(RecycleBinRule.self, id: id)
            for tag in try transaction.tags(on: rule.arn, by: caller.account) {
                try transaction.removeTag(key: tag.key, from: rule.arn, by: caller.account)
            }
        }
    }

    /// LockRule: locks a region-level rule with an unlock delay.
    package func lockRule(_ caller: Caller, id: String, unlockDelay: Int, unit: String) async throws -> RecycleBinRule {
        let now = clock.now
        let days = try Self.unlockDelay(unlockDelay, unit)
        return try await write(caller) { transaction in
            var rule = try Self.ownedRule(id, caller: caller, in: transaction)
            guard rule.resourceTags.isEmpty else {
                throw CloudError.recycleBinValidation("Only region-level rules (without ResourceTags) can be locked.")
            }
            if rule.isLocked(at: now) { throw CloudError.recycleBinRuleLocked(id) }
            rule.unlockDelayDays = days
            rule.lockState = .locked
            rule.lockEndTime = nil
            try transaction.save(rule)
            return rule
        }
    }

    /// UnlockRule: the rule stays locked (`pending_unlock`) until its unlock delay has passed.
    package func unlockRule(_ caller: Caller, id: String) async throws -> RecycleBinRule {
        let now = clock.now
        return try await write(caller) { transaction in
            var rule = try Self.ownedRule(id, caller: caller, in: transaction)
            guard rule.lockState(at: now) == .locked else { throw CloudError.recycleBinRuleNotLocked(id) }
            rule.lockState = .pendingUnlock
            rule.lockEndTime = now + TimeInterval(rule.unlockDelayDays ?? Self.unlockDelayDays.lowerBound) * Self.secondsPerDay
            try transaction.save(rule)
            return rule
        }
    }

    static func ownedRule(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> RecycleBinRule {
        guard let rule = try transaction.fetch(RecycleBinRule.self, id: id), rule.owner == caller.account, rule.region == caller.region else {
            throw CloudError.recycleBinRuleNotFound(id)
        }
        return rule
    }

    static func retention(_ value: Int?, _ unit: String?) throws -> Int {
        guard unit == nil || unit == "DAYS" else { throw CloudError.recycleBinValidation("RetentionPeriodUnit must be DAYS.") }
        guard let value, retentionDays.contains(value) else {
            throw CloudError.recycleBinValidation("RetentionPeriodValue must be between 1 and 365 days.")
        }
        return value
    }

    static func unlockDelay(_ value: Int, _ unit: String) throws -> Int {
        guard unit == "DAYS", unlockDelayDays.contains(value) else {
            throw CloudError.recycleBinValidation("UnlockDelayValue must be between 7 and 30 DAYS.")
        }
        return value
    }

    static func checkTags(_ rule: RecycleBinRule) throws {
        guard rule.resourceTags.isEmpty || rule.excludeResourceTags.isEmpty else {
            throw CloudError.recycleBinValidation("ExcludeResourceTags can be used only with region-level rules (without ResourceTags).")
        }
        guard rule.resourceTags.count <= maximumTags, rule.excludeResourceTags.count <= maximumTags else {
            throw CloudError.recycleBinValidation("A rule can have at most \(maximumTags) resource tags.")
        }
    }
}
