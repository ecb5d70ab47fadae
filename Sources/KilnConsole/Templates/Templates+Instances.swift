extension Templates {
    static let instances = #"""
        {{#page}}
        <h1>Instances <span class="sub">in {{region}}</span></h1>
        <div{{#changing}} data-reload="3000"{{/changing}}>
        {{#hasRows}}
        <div class="scroll"><table id="instances-table"><caption>Your instances</caption>
        <thead><tr><th scope="col">Instance</th><th scope="col">Name</th><th scope="col">State</th><th scope="col">Image</th><th scope="col">Type</th>
        <th scope="col">Private address</th><th scope="col">Public address</th><th scope="col">Launched</th><th scope="col">Actions</th></tr></thead>
        <tbody>{{#rows}}<tr data-instance="{{id}}"><td><a href="{{href}}" class="mono">{{id}}</a></td><td>{{name}}</td>
        <td><span class="state state-{{state}}">{{state}}</span></td><td><a href="{{imageHref}}" class="mono">{{imageID}}</a></td><td>{{instanceType}}</td>
        <td class="mono">{{privateAddress}}</td><td class="mono">{{publicAddress}}</td><td>{{launched}}</td>
        <td><form method="post" action="/console/instances/{{id}}/state" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}"><input type="hidden" name="back" value="list">
        {{#canStop}}<button type="submit" name="op" value="stop">Stop<span class="visually-hidden"> {{id}}</span></button>{{/canStop}}
        {{#canStart}}<button type="submit" name="op" value="start">Start<span class="visually-hidden"> {{id}}</span></button>{{/canStart}}
        {{#canTerminate}}<button type="submit" name="op" value="terminate" class="danger">Terminate<span class="visually-hidden"> {{id}}</span></button>{{/canTerminate}}
        </form></td></tr>{{/rows}}</tbody></table></div>
        {{/hasRows}}
        {{^hasRows}}<p class="empty">No instances in {{region}}. Launch one from an image's page.</p>{{/hasRows}}
        </div>
        {{/page}}
        """#

    static let instance = #"""
        {{#page}}
        <p class="crumbs"><a href="/console/instances">Instances</a> / <span class="mono">{{id}}</span></p>
        <h1 class="mono" id="instance-id">{{id}}</h1>
        <div class="grid">
        <section aria-labelledby="h-instance" class="card">
        <h2 id="h-instance">Instance</h2>
        <dl class="pairs">
        <dt>State</dt><dd><span class="state state-{{state}}" id="instance-state">{{state}}</span></dd>
        <dt>Image</dt><dd><a href="{{imageHref}}" class="mono" id="instance-image">{{imageID}}</a></dd>
        <dt>Type</dt><dd>{{instanceType}}</dd>
        <dt>Zone</dt><dd>{{zone}}</dd>
        <dt>Private address</dt><dd class="mono">{{privateAddress}}</dd>
        <dt>Public address</dt><dd class="mono">{{publicAddress}}</dd>
        <dt>Launched</dt><dd>{{launched}}</dd>
        <dt>Volumes</dt><dd>{{#devices}}<span class="mono">{{deviceName}}</span> {{volumeID}}<br>{{/devices}}</dd>
        </dl>
        <form method="post" action="/console/instances/{{id}}/state" class="buttons">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
        {{#canStop}}<button type="submit" name="op" value="stop" id="stop-submit">Stop</button>{{/canStop}}
        {{#canStart}}<button type="submit" name="op" value="start" id="start-submit">Start</button>{{/canStart}}
        {{#canTerminate}}<button type="submit" name="op" value="terminate" class="danger" id="terminate-submit">Terminate</button>{{/canTerminate}}
        </form>
        </section>
        {{#canCreateImage}}
        <form method="post" action="/console/instances/{{id}}/create-image" class="card form" id="create-image-form">
        <h2>Create image</h2>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="region" value="{{region}}">
        <div class="field"><label for="image-name-input">Image name</label><input id="image-name-input" name="name" required maxlength="128"></div>
        <div class="field"><label for="image-description-input">Description</label><input id="image-description-input" name="description" maxlength="255"></div>
        <div class="field check"><input type="checkbox" id="no-reboot" name="noReboot" value="on"><label for="no-reboot">No reboot (the file systems may be inconsistent)</label></div>
        <fieldset><legend>Block device mappings</legend>
        {{#devices}}<div class="mapping">
        <input type="hidden" name="device" value="{{deviceName}}">
        <div class="field"><label for="size-{{index}}">Size of {{deviceName}} in GiB (empty keeps it)</label><input id="size-{{index}}" name="size-{{deviceName}}" type="number" min="1"></div>
        <div class="field check"><input type="checkbox" id="exclude-{{index}}" name="exclude-{{deviceName}}" value="on"><label for="exclude-{{index}}">Leave {{deviceName}} out</label></div>
        </div>{{/devices}}
        <div class="mapping"><div class="field"><label for="extra-device">Add an empty volume: device name</label><input id="extra-device" name="extraDevice" placeholder="/dev/sdf"></div>
        <div class="field"><label for="extra-size">its size in GiB</label><input id="extra-size" name="extraSize" type="number" min="1"></div></div>
        </fieldset>
        <button type="submit" class="primary" id="create-image-submit">Create image</button>
        </form>
        {{/canCreateImage}}
        </div>
        <section aria-labelledby="h-console">
        <h2 id="h-console">Console output</h2>
        <p class="meta">As of <time id="output-time">{{outputAt}}</time>{{#live}}; it updates while the instance runs{{/live}}.</p>
        <pre id="console-output" tabindex="0" aria-live="polite"{{#live}} data-poll="/console/instances/{{id}}/status?region={{region}}"{{/live}}>{{output}}</pre>
        </section>
        {{/page}}
        """#
}
