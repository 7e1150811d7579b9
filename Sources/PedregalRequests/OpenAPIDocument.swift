/// The API's OpenAPI 3.1 document, served at `/openapi.yaml` and committed
/// as `schemas/cluster-requests.openapi.yaml` (a test keeps the two equal).
public enum OpenAPIDocument {
    /// The document's text.
    public static let text = paths + "\n" + components

    /// `openapi`, `info`, `servers`, `security` and `paths`.
    static let paths = #"""
        openapi: 3.1.0
        info:
          title: pedregal Cluster Request API
          version: 1.0.0
          summary: Self-service Spark Connect clusters as reviewed GitOps changes.
          description: |
            A request for a Spark Connect cluster becomes a change to `teams/<team>.yaml`: a minimal text
            edit, compiled with the whole repository, committed on a branch for review (or straight to the
            target branch where `templates/platform.yaml` lets the environment auto-approve) and pushed.
            Every answer is derived from git and the cluster; reads answer from the remote as last read and never
            wait for a change. A pending review branch is rebuilt on the target branch's head whenever that moves.
            Errors are RFC 9457 problem details.
            Served by `pedregal serve` at `/openapi.yaml`.
        servers:
          - url: /
        security:
          - bearer: []
        paths:
          /api/v1/spark-connect-clusters:
            post:
              operationId: createCluster
              summary: Request a Spark Connect cluster, or change the same cluster's request.
              description: |
                The same cluster is the same team and name (the name defaults to `<environment>-<region alias>`):
                a repeated request updates its entry (size, catalogs, engine, expiry) instead of failing.
                With an `Idempotency-Key`, a retry gets the first answer again.
              parameters:
                - $ref: '#/components/parameters/IdempotencyKey'
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      $ref: '#/components/schemas/CreateClusterRequest'
              responses:
                '201':
                  description: The cluster was requested (pending review) or committed (provisioning).
                  headers:
                    Idempotent-Replayed:
                      $ref: '#/components/headers/IdempotentReplayed'
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Cluster'
                  links:
                    GetCluster:
                      $ref: '#/components/links/GetCluster'
                    ExtendCluster:
                      $ref: '#/components/links/ExtendCluster'
                    DeleteCluster:
                      $ref: '#/components/links/DeleteCluster'
                '200':
                  description: The same cluster existed; its request was updated (or nothing changed).
                  headers:
                    Idempotent-Replayed:
                      $ref: '#/components/headers/IdempotentReplayed'
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Cluster'
                  links:
                    GetCluster:
                      $ref: '#/components/links/GetCluster'
                    ExtendCluster:
                      $ref: '#/components/links/ExtendCluster'
                    DeleteCluster:
                      $ref: '#/components/links/DeleteCluster'
                '400':
                  $ref: '#/components/responses/Problem'
                '401':
                  $ref: '#/components/responses/Problem'
                '403':
                  $ref: '#/components/responses/Problem'
                '409':
                  $ref: '#/components/responses/Problem'
                '413':
                  $ref: '#/components/responses/Problem'
                '422':
                  $ref: '#/components/responses/Problem'
                '503':
                  $ref: '#/components/responses/Problem'
                default:
                  $ref: '#/components/responses/Problem'
            get:
              operationId: listClusters
              summary: The clusters of a team (or of every team the caller belongs to).
              parameters:
                - name: team
                  in: query
                  required: false
                  schema:
                    type: string
                    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
                    maxLength: 63
                - name: expiring_within
                  in: query
                  required: false
                  description: Only clusters that expire within this duration (e.g. 7d).
                  schema:
                    type: string
                    pattern: '^[1-9][0-9]{0,5}[mhdw]$'
              responses:
                '200':
                  description: The clusters, by id.
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ClusterList'
                '401':
                  $ref: '#/components/responses/Problem'
                '403':
                  $ref: '#/components/responses/Problem'
                '404':
                  $ref: '#/components/responses/Problem'
                '422':
                  $ref: '#/components/responses/Problem'
                '503':
                  $ref: '#/components/responses/Problem'
                default:
                  $ref: '#/components/responses/Problem'
          /api/v1/spark-connect-clusters/{id}:
            parameters:
              - name: id
                in: path
                required: true
                description: '`<team>.<name>`, e.g. feature-engineering.dev-us.'
                schema:
                  type: string
                  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
            get:
              operationId: getCluster
              summary: A cluster and its state, derived from git and the cluster.
              responses:
                '200':
                  description: The cluster.
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Cluster'
                  links:
                    ExtendCluster:
                      $ref: '#/components/links/ExtendCluster'
                    DeleteCluster:
                      $ref: '#/components/links/DeleteCluster'
                '401':
                  $ref: '#/components/responses/Problem'
                '403':
                  $ref: '#/components/responses/Problem'
                '404':
                  $ref: '#/components/responses/Problem'
                '503':
                  $ref: '#/components/responses/Problem'
                default:
                  $ref: '#/components/responses/Problem'
            patch:
              operationId: extendCluster
              summary: A new time to live, from now, within the environment's maximum.
              parameters:
                - $ref: '#/components/parameters/IdempotencyKey'
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      $ref: '#/components/schemas/UpdateClusterRequest'
              responses:
                '200':
                  description: The cluster with its pending or committed change.
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Cluster'
                  links:
                    GetCluster:
                      $ref: '#/components/links/GetCluster'
                    DeleteCluster:
                      $ref: '#/components/links/DeleteCluster'
                '400':
                  $ref: '#/components/responses/Problem'
                '401':
                  $ref: '#/components/responses/Problem'
                '403':
                  $ref: '#/components/responses/Problem'
                '404':
                  $ref: '#/components/responses/Problem'
                '409':
                  $ref: '#/components/responses/Problem'
                '413':
                  $ref: '#/components/responses/Problem'
                '422':
                  $ref: '#/components/responses/Problem'
                '503':
                  $ref: '#/components/responses/Problem'
                default:
                  $ref: '#/components/responses/Problem'
            delete:
              operationId: deleteCluster
              summary: A change that removes the cluster; an unmerged request is withdrawn.
              parameters:
                - $ref: '#/components/parameters/IdempotencyKey'
              responses:
                '200':
                  description: Removed on the target branch, or the request was withdrawn.
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Deletion'
                '202':
                  description: The removal waits for review on the cluster's branch.
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Deletion'
                '401':
                  $ref: '#/components/responses/Problem'
                '403':
                  $ref: '#/components/responses/Problem'
                '404':
                  $ref: '#/components/responses/Problem'
                '409':
                  $ref: '#/components/responses/Problem'
                '422':
                  $ref: '#/components/responses/Problem'
                '503':
                  $ref: '#/components/responses/Problem'
                default:
                  $ref: '#/components/responses/Problem'
          /healthz:
            get:
              operationId: health
              security: []
              responses:
                '200':
                  description: The process answers.
                  content:
                    text/plain:
                      schema:
                        type: string
          /readyz:
            get:
              operationId: readiness
              security: []
              responses:
                '200':
                  description: The repository is prepared and the issuer's keys are loaded.
                  content:
                    text/plain:
                      schema:
                        type: string
                '503':
                  description: Not ready yet.
                  content:
                    text/plain:
                      schema:
                        type: string
          /metrics:
            get:
              operationId: metrics
              security: []
              responses:
                '200':
                  description: Prometheus text exposition.
                  content:
                    text/plain:
                      schema:
                        type: string
          /openapi.yaml:
            get:
              operationId: openapi
              security: []
              responses:
                '200':
                  description: This document.
                  content:
                    application/yaml:
                      schema:
                        type: string
        """#
}
