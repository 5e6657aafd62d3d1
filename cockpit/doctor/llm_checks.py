"""Doctor row for the LLM advisor: endpoint reachable, key accepted, model present."""

from __future__ import annotations

import asyncio

from cockpit.config.schema import Config
from cockpit.doctor import CheckResult, CheckStatus, register_check


def check_llm(cfg: Config) -> list[CheckResult]:
    if not cfg.llm.base_url:
        return [CheckResult("LLM advisor", CheckStatus.NOT_CONFIGURED,
                            "llm.base_url is empty; the offline analyzer works alone",
                            "set llm.base_url, llm.model and llm.api_key_env to add it")]
    from cockpit.sources.llm import LLMAdvisor, LLMError

    advisor = LLMAdvisor(cfg.llm)
    if not advisor.configured:
        return [CheckResult("LLM advisor", CheckStatus.FAIL, advisor.problem,
                            "fix the [llm] section of the config")]

    async def run() -> str:
        try:
            await advisor.check()
            return ""
        except LLMError as exc:
            return str(exc)
        finally:
            await advisor.aclose()

    error = asyncio.run(run())
    if error:
        return [CheckResult("LLM advisor", CheckStatus.FAIL, error, "see the message")]
    return [CheckResult("LLM advisor", CheckStatus.OK,
                        f"{cfg.llm.base_url}, model {cfg.llm.model} available")]


register_check("llm", check_llm, order=40)
