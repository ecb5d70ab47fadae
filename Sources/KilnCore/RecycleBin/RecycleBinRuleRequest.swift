/// What CreateRule and UpdateRule ask for; `nil` members of an update are left as they are.
package struct RecycleBinRuleRequest: Sendable {
    package var resourceType: String?
    package var retentionValue: Int?
    package var retentionUnit: String?
    package var description: String?
    package var resourceTags: [RecycleBinRule.ResourceTag]?
    package var excludeResourceTags: [RecycleBinRule.ResourceTag]?
    /// CreateRule's lock configuration: the unlock delay's value and unit.
    package var unlockDelay: (value: Int, unit: String)?
    package var tags: [Tag]

    package init(
        resourceType: String?,
        retentionValue: Int?,
        retentionUnit: String?,
        description: String?,
        resourceTags: [RecycleBinRule.ResourceTag]?,
        excludeResourceTags: [RecycleBinRule.ResourceTag]?,
        unlockDelay: (value: Int, unit: String)? = nil,
        tags: [Tag] = []
    ) {
        self.resourceType = resourceType
        self.retentionValue = retentionValue
        self.retentionUnit = retentionUnit
        self.description = description
        self.resourceTags = resourceTags
        self.excludeResourceTags = excludeResourceTags
        self.unlockDelay = unlockDelay
        self.tags = tags
    }
}
