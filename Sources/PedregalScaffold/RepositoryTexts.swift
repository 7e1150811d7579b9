import PedregalCompiler

/// The repository files around templates/ and teams/ that `pedregal init`
/// writes: the README, the CI workflow and `.gitignore`.
public enum RepositoryTexts {
    /// Where `pedregal init` writes the workflow.
    public static let workflowPath = ".github/workflows/pedregal.yml"

    /// The GitHub Actions workflow: annotated errors, a failing check on a
    /// stale generated/, and the markdown diff as a pull-request comment.
    /// pedregal itself is copied out of the runner image `image`.
    public static func workflow(image: String) -> String {
        """
        # Validates teams/ and templates/ (errors are annotated on the changed lines),
        # comments on each pull request what it does to every cluster, and fails when
        # generated/ is not what `pedregal generate` writes. Written by `pedregal init`.
        name: pedregal

        on:
          pull_request:
          push:
            branches: [main]

        permissions:
          contents: read

        concurrency:
          group: pedregal-${{ github.ref }}
          cancel-in-progress: true

        env:
          # The runner image the CronJobs run holds the pedregal binary (a scratch
          # image: no shell, so the binary is copied out rather than run inside).
          PEDREGAL_IMAGE: \(image)

        jobs:
          pedregal:
            runs-on: ubuntu-latest
            permissions:
              contents: read
              pull-requests: write   # for the diff comment
            steps:
              - uses: actions/checkout@v5
                with:
                  fetch-depth: 0     # `pedregal diff` compiles the base branch from git
              # A registry that needs credentials: log in here (docker/login-action).
              - name: Install pedregal from the runner image
                run: |
                  mkdir -p "$RUNNER_TEMP/bin"
                  container=$(docker create "$PEDREGAL_IMAGE")
                  docker cp "$container:/usr/local/bin/pedregal" "$RUNNER_TEMP/bin/pedregal"
                  docker rm "$container"
                  echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
                  "$RUNNER_TEMP/bin/pedregal" --version
              - name: Validate teams/ and templates/
                run: pedregal validate --format github
              - name: What the pull request does to each cluster
                if: github.event_name == 'pull_request'
                env:
                  BASE_REF: ${{ github.base_ref }}
                run: |
                  status=0
                  pedregal diff --base-ref "origin/$BASE_REF" --format markdown > "$RUNNER_TEMP/diff.md" || status=$?
                  # 0: no change; 1: changes (shown); anything else fails the job.
                  [ "$status" -le 1 ] || exit "$status"
              - name: Comment the diff on the pull request
                if: github.event_name == 'pull_request'
                env:
                  GH_TOKEN: ${{ github.token }}
                  PR_NUMBER: ${{ github.event.pull_request.number }}
                run: |
                  # Update the workflow's previous comment rather than adding one per push.
                  gh pr comment "$PR_NUMBER" --edit-last --body-file "$RUNNER_TEMP/diff.md" \\
                    || gh pr comment "$PR_NUMBER" --body-file "$RUNNER_TEMP/diff.md"
              - name: generated/ is current
                run: pedregal check

        """
    }

    /// `.gitignore`: the files pedregal stages while it writes, and its cache.
    public static let gitignore = """
        # pedregal stages files beside their targets while it writes (a crash can leave one).
        *.pedregal-new
        # What pedregal keeps between runs so that a one-team change recompiles one team.
        .pedregal/

        """

    /// The README of a new platform repository: how teams join and change
    /// their file, and what the platform team runs.
    public static func readme(domain: String, exampleTeam: String, firstEnvironment: String) -> String {
        """
        # Spark platform

        This repository describes the Spark platform at \(domain): the platform team's
        defaults in `templates/`, one file per team in `teams/`, and the Kubernetes
        manifests that pedregal compiles from
        them in `generated/`, one folder per cluster (what Argo CD syncs). Nobody edits
        `generated/` by hand.

        ## For teams

        ### Joining

        ```sh
        pedregal init --team my-team        # writes teams/my-team.yaml, commented
        ```

        The file lists the platform's sizes, regions and catalogs as choices beside
        each field; pick, delete what you do not need, then:

        ```sh
        pedregal validate                    # every problem at file:line:column, with how to fix it
        pedregal generate                    # writes generated/ (commit it with your change)
        ```

        Open a pull request with `teams/my-team.yaml` and `generated/`. CI validates
        it (errors show on the changed lines), comments what the change does to each
        cluster, and fails if `generated/` is not what `pedregal generate` writes. Once
        merged, Argo CD creates the namespaces, quotas, RBAC, Spark Connect endpoints
        (`sc://my-team-dev.\(domain)` and so on) and scheduled jobs.

        `teams/\(exampleTeam).yaml` is an example to copy from; the platform team
        removes it once real teams have joined.

        ### Changing your team

        Edit your file, then `pedregal validate`, `pedregal generate`, and open a pull
        request. `pedregal diff --base-ref origin/main` shows locally what the pull
        request comment will show. Start a batch job that has no schedule with
        `pedregal submit my-team/JOB --env \(firstEnvironment)`.

        ### Checks before each commit

        With [pre-commit](https://pre-commit.com) and pedregal installed, add to
        `.pre-commit-config.yaml`:

        ```yaml
        repos:
          - repo: https://git.\(domain)/platform/pedregal   # wherever pedregal's repository is kept
            rev: v\(PedregalVersion.current)                                # a tag or commit of it
            hooks:
              - id: pedregal-validate
              - id: pedregal-check
        ```

        and run `pre-commit install`. A commit with an invalid team file, or without
        the `generated/` it implies, is refused with the message CI would give.

        ## For the platform team

        - `templates/` holds the platform's settings: `platform.yaml`, `environments.yaml`,
          `regions.yaml`, `sizes.yaml`, `catalogs.yaml`, `engines.yaml`. Each file says
          what its fields do.
        - Scheduled jobs run `pedregal submit` in the runner image
          `registry.\(domain)/pedregal:\(PedregalVersion.current)`; build and push it as
          pedregal's README describes (the CI workflow copies pedregal out of it too).
        - `.github/workflows/pedregal.yml` is the CI described above.

        """
    }
}
