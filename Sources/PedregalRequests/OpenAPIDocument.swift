/// The API's OpenAPI 3.1 document, served at `/openapi.yaml` and committed
/// as `schemas/cluster-requests.openapi.yaml` (a test keeps the two equal).
public enum OpenAPIDocument {
    /// The document's text.
    public static let text = #"""
openapi: 3.1.0
info:
  title: pedregal Cluster Request API
  version: 1.0.0
  summary: Self-service Spark Connect clusters as reviewed GitOps changes.
  description: |
    A request for a Spark Connect cluster becomes a change to `teams/<team>.yaml`: a minimal text
    edit, compiled with the whole repository, committed on a branch for review (or straight to the
    target branch where `templates/platform.yaml` lets the environment auto-approve) and pushed.
    Every answer is derived from git and the cluster. Errors are RFC 9457 problem details.
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
        '200':
          description: The same cluster existed; its request was updated (or nothing changed).
          headers:
            Idempotent-Replayed:
              $ref: '#/components/headers/IdempotentReplayed'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Cluster'
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
        '401':
          $ref: '#/components/responses/Problem'
        '403':
          $ref: '#/components/responses/Problem'
        '404':
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
          enum: [pending-review, provisioning, ready, failed, expired]
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
          description: The compiler's findings, each at file, line and column of the edited root.
          items:
            type: object
            required: [severity, code, file, line, column, message, notes]
            properties:
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

"""#
}
