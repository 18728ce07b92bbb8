"""``docs/facts.md``: the catalogue rendered for people, grouped by area."""

from __future__ import annotations

from conformance.facts.loader import areas, catalogue

HEADER = """\
# AWS facts

Every check of the conformance suite rests on one of these facts about Amazon Cognito user pools
(`cognito-idp`). A divergence's `Source` line names the fact's id and its first source.

Confidence, one meaning per word:
- **verified**: AWS-authored code or tests that run against real pools, a test run against AWS by its
  maintainers (moto's `aws_verified`), or an exchange recorded from AWS;
- **documented**: AWS documentation, the API reference or the service model say it;
- **likely**: several independent real captures (not mocks, not emulators) agree; a GitHub issue
  capture is at most this;
- **unverified**: one capture, a generated text, or reasoning.

A divergence from a verified, documented or likely fact fails a run; an unverified one is reported
and never fails. Each source is labelled with its kind: `aws-test` (run against AWS by its
maintainers), `aws-client` (AWS's own client code), `aws-docs`, `capture` (a third party's record of
what AWS answered), `reasoning` (a page the reasoning starts from, which does not state the fact) and
`not-evidence` (a mock's or an emulator's own test, or a generated text, once cited as a capture). A
fact's word needs a source of a kind that can carry it (two for likely); the catalogue refuses one
that claims more than its sources.

This file is generated from `conformance/facts/catalogue/*.toml`: edit the catalogue, then run
`python -m conformance.facts render > docs/facts.md` (a test keeps the two in step).
"""


#: The short tags that comments and a few fact titles use for their sources, and the section numbers
#: (§N) that older comments and docstrings cite: both resolve here, inside the repository.
FOOTER = """\
## Source tags

Comments in the code name sources by short tags; each stands for a public text:

| Tag | Source |
|---|---|
| BC | botocore's service model, [`botocore/data/cognito-idp/2016-04-18/service-2.json` @0e6e2404](https://github.com/boto/botocore/blob/0e6e2404/botocore/data/cognito-idp/2016-04-18/service-2.json) |
| SMITHY | the Smithy model of the service, [aws/api-models-aws](https://github.com/aws/api-models-aws) `models/cognito-identity-provider` |
| ACIJ | amazon-cognito-identity-js, [amplify-js `packages/amazon-cognito-identity-js/src`](https://github.com/aws-amplify/amplify-js/tree/c73b0c0df3/packages/amazon-cognito-identity-js/src) (the last commit before its removal) |
| AMP6 | Amplify JS v6, [amplify-js @36e3ce19 `packages/auth/src/providers/cognito/utils`](https://github.com/aws-amplify/amplify-js/tree/36e3ce19/packages/auth/src/providers/cognito/utils) |
| AMPF, AMPF-IT | Amplify Flutter's SRP workers and AWS-authored integration tests, [aws-amplify/amplify-flutter](https://github.com/aws-amplify/amplify-flutter/tree/main/packages/auth) |
| ANDSDK | the AWS SDK for Android, [`CognitoUser.java`](https://github.com/aws-amplify/aws-sdk-android) |
| PYC, WARRANT | [pycognito `aws_srp.py` @6b8de182](https://github.com/NabuCasa/pycognito/blob/6b8de182/pycognito/aws_srp.py), [warrant `aws_srp.py` @e81f9a6d](https://github.com/capless/warrant/blob/e81f9a6d/warrant/aws_srp.py) |
| MOTO-V | moto's tests that run against real AWS (`aws_verified`), [`tests/test_cognitoidp/test_cognitoidp.py` @0af643a5](https://github.com/getmoto/moto/blob/0af643a5/tests/test_cognitoidp/test_cognitoidp.py) |
| MOTO | moto's own code and its unverified tests: moto's approximation, low confidence |
| TFAWS | terraform-provider-aws acceptance tests (run against AWS), [`internal/service/cognitoidp`](https://github.com/hashicorp/terraform-provider-aws/tree/main/internal/service/cognitoidp) |
| DG | the Amazon Cognito Developer Guide, [awsdocs/amazon-cognito-developer-guide @85b058f](https://github.com/awsdocs/amazon-cognito-developer-guide/tree/85b058f/doc_source) |
| API | the [Amazon Cognito user pools API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/Welcome.html) |
| CLI | AWS CLI examples, [aws/aws-cli @07c4fe36 `awscli/examples/cognito-idp`](https://github.com/aws/aws-cli/tree/07c4fe36/awscli/examples/cognito-idp) |
| KC | an AWS Knowledge Center page (the URL is given where it is cited) |
| ISS repo#n | the GitHub issue or pull request `https://github.com/<repo>/issues/<n>` |
| 3P:id | a third-party file that records what AWS returned (a code index's id); it is not AWS's word and weighs less |

## Section numbers

Some comments and docstrings cite a topic by its section number (§N). The numbers, and the areas of
this catalogue that hold their facts:

| § | Topic | Areas |
|---|---|---|
| §0 | the service model and its shapes | `protocol` |
| §1 | SRP as Cognito does it; SECRET_HASH | `auth` |
| §2 | device tracking (remembered devices) | `devices` |
| §3 | challenges | `auth` |
| §4 | auth flows and ExplicitAuthFlows | `auth`, `clients` |
| §5 | tokens | `tokens` |
| §6 | GlobalSignOut, AdminUserGlobalSignOut, RevokeToken | `tokens` |
| §7 | errors: codes, messages, HTTP statuses | every area, and `protocol` |
| §8 | users: status, enabled flag, password policy, attributes | `users` |
| §9 | user pool and app client CRUD | `pools`, `clients` |
| §10 | the wire protocol (awsJson1_1) | `protocol` |
| §11 | request-rate quotas, resource quotas and cost: [Amazon Cognito quotas](https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html) | |
| §12, §13 | second and third passes over the items above (settled; corrected, with the confidence words above) | the areas of the item |
"""


def _escape(text: str) -> str:
    # Statements quote AWS's texts, which may hold characters Markdown would read as markup.
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("_", r"\_").replace("*", r"\*")


def render() -> str:
    """The Markdown of ``docs/facts.md``."""
    facts = catalogue()
    lines = [HEADER]
    for area, title in areas():
        mine = sorted((f for f in facts.values() if f.area == area), key=lambda f: f.id)
        lines.append(f"## {title} (`{area}`)\n")
        for fact in mine:
            lines.append(f"### `{fact.id}`\n")
            lines.append(f"{_escape(fact.statement)}\n")
            lines.append(f"- Confidence: {fact.confidence.value}")
            if fact.code:
                error = f"`{fact.code}`" + (f' "{_escape(fact.message)}"' if fact.message else "")
                lines.append(f"- Error: {error}")
            links = "; ".join(f"[{_escape(s.title)}]({s.url}) ({s.kind.value})" for s in fact.sources)
            lines.append(f"- Sources: {links}\n")
    lines.append(FOOTER)
    return "\n".join(lines).rstrip("\n") + "\n"
