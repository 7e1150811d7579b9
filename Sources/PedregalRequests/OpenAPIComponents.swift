extension OpenAPIDocument {
    /// `components`: the schemas, responses, links and security schemes the paths refer to.
    static let components = #"""
        components:
          securitySchemes:
            bearer:
              type: http
              scheme: bearer
              bearerFormat: JWT
              description: An OIDC token from the configured issuer whose groups claim names the team's Okta groups.
          parameters:
            IdempotencyKey:
              name: Idempotency-Key
              in: header
              required: false
              description: A retry with the same key (and the same request) gets the first successful answer again.
              schema:
                type: string
                minLength: 1
                maxLength: 255
                pattern: '^[\x20-\x7E]+$'
          headers:
            IdempotentReplayed:
              description: '`true` when the answer is the stored first answer to this Idempotency-Key.'
              schema:
                type: string
                enum: ['true']
          links:
            # A created or read cluster's id leads to the calls on it (schemathesis' stateful phase follows them).
            GetCluster:
              operationId: getCluster
              parameters:
                id: '$response.body#/cluster_id'
            ExtendCluster:
              operationId: extendCluster
              parameters:
                id: '$response.body#/cluster_id'
            DeleteCluster:
              operationId: deleteCluster
              parameters:
                id: '$response.body#/cluster_id'
          responses:
            Problem:
              description: RFC 9457 problem details.
              content:
                application/problem+json:
                  schema:
                    $ref: '#/components/schemas/Problem'
          schemas:
            Name:
              type: string
              minLength: 1
              maxLength: 253
            CreateClusterRequest:
              type: object
              additionalProperties: false
              required: [team, environment, region]
              properties:
                team:
                  $ref: '#/components/schemas/Name'
                environment:
                  $ref: '#/components/schemas/Name'
                region:
                  $ref: '#/components/schemas/Name'
                size:
                  $ref: '#/components/schemas/Name'
                catalogs:
                  type: array
                  minItems: 1
                  maxItems: 32
                  items:
                    $ref: '#/components/schemas/Name'
                ttl:
                  type: string
                  description: A duration (30m, 12h, 7d, 2w) or `persistent`; default from templates/platform.yaml.
                  examples: [7d, persistent]
                name:
                  type: string
                  description: The cluster's name in the team file (default `<environment>-<region alias>`).
                engine:
                  $ref: '#/components/schemas/Name'
              examples:
                - team: feature-engineering
                  environment: dev
                  region: us-west-2
                  size: small
                  catalogs: [pedregal, feature_store]
                  ttl: 7d
            UpdateClusterRequest:
              type: object
              additionalProperties: false
              required: [ttl]
              properties:
                ttl:
                  type: string
                  description: A duration (30m, 12h, 7d, 2w) from now, or `persistent`.
            PendingChange:
              type: object
              additionalProperties: false
              required: [action, branch, commit]
              properties:
                action:
                  type: string
                  enum: [create, update, extend, delete]
                branch:
                  type: string
                commit:
                  type: string
            Cluster:
              type: object
              additionalProperties: false
              required: [cluster_id, team, name, environment, region, size, catalogs, endpoint, status, reason, expires_at, commit, pending_change]
              properties:
                cluster_id:
                  type: string
                  description: '`<team>.<name>`.'
                team:
                  type: string
                name:
                  type: string
                environment:
                  type: string
                region:
                  type: string
                size:
                  type: string
                catalogs:
                  type: array
                  items:
                    type: string
                endpoint:
                  type: string
                  description: '`sc://<host>`: the cluster''s hostname, served by its region''s Spark Gateway.'
                status:
                  type: string
                  enum: [pending-review, provisioning, ready, failed, expired, conflict]
                  description: |
                    `conflict`: its pending change could not be rebuilt on the target branch's new head (the same
                    entry was edited there by hand); `reason` says why, and the review branch is left for a person.
                reason:
                  type: [string, 'null']
                  description: Why it is in this state (always set unless ready).
                expires_at:
                  type: [string, 'null']
                  format: date-time
                commit:
                  type: [string, 'null']
                  description: The commit of the target branch that holds it, once merged.
                pending_change:
                  oneOf:
                    - type: 'null'
                    - $ref: '#/components/schemas/PendingChange'
            ClusterList:
              type: object
              additionalProperties: false
              required: [items]
              properties:
                items:
                  type: array
                  items:
                    $ref: '#/components/schemas/Cluster'
            Deletion:
              type: object
              additionalProperties: false
              required: [cluster_id, status, branch, commit]
              properties:
                cluster_id:
                  type: string
                status:
                  type: string
                  enum: [pending-review, committed, withdrawn]
                branch:
                  type: string
                commit:
                  type: [string, 'null']
            Problem:
              type: object
              required: [type, title, status, detail]
              properties:
                type:
                  type: string
                title:
                  type: string
                status:
                  type: integer
                detail:
                  type: string
                instance:
                  type: string
                errors:
                  type: array
                  items:
                    type: object
                    required: [pointer, detail]
                    properties:
                      pointer:
                        type: string
                      detail:
                        type: string
                diagnostics:
                  type: array
                  description: |
                    The findings the change introduced (not those the target branch already had), each at file, line
                    and column of the files as they would have been committed.
                  items:
                    type: object
                    required: [severity, code, file, line, column, message, notes]
                    properties:
                      quote:
                        type: string
                        description: The line it points at, for a finding in a file the change edited.
                      severity:
                        type: string
                        enum: [error, warning]
                      code:
                        type: string
                      file:
                        type: string
                      line:
                        type: integer
                      column:
                        type: integer
                      message:
                        type: string
                      notes:
                        type: array
                        items:
                          type: object
                          required: [file, line, column, message]
                          properties:
                            file:
                              type: string
                            line:
                              type: integer
                            column:
                              type: integer
                            message:
                              type: string
                edits:
                  type: array
                  description: The lines the change wrote, per file, numbered as the file would have been committed.
                  items:
                    type: object
                    required: [file, lines]
                    properties:
                      file:
                        type: string
                      lines:
                        type: array
                        items:
                          type: object
                          required: [line, text]
                          properties:
                            line:
                              type: integer
                            text:
                              type: string

        """#
}
