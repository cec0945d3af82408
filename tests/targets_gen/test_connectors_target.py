"""The connectors target: one package per flow, generation gap, clients chosen from the spec."""

from __future__ import annotations

import ast
import random
import sys
import textwrap
from pathlib import Path

from tgen_support import files_of, model_of, run

from mfgint.targets.base import Scope
from mfgint.targets.connectors import _flat, _greedy_wrap, env_key, package_name

ALLOWED_THIRD_PARTY = {"pytest"}  # only in the generated tests


def test_every_flow_gets_a_package_and_only_connector_py_is_hand_written() -> None:
    generated = run("connectors")
    paths = {f.path for f in generated}
    for flow in model_of("examples").flows:
        pkg = package_name(flow)
        # Exactly these six files, in one folder: a large landscape has tens of thousands of
        # packages, and what they share lives in mfgint_runtime.
        assert sorted(p for p in paths if p.startswith(f"connectors/{pkg}/")) == sorted(
            f"connectors/{pkg}/{name}" for name in (
                "__init__.py", "__main__.py", "base.py", "connector.py", "README.md",
                f"test_{pkg}.py"))
    once = sorted(f.path for f in generated if f.once)
    assert once == sorted(f"connectors/{package_name(n)}/connector.py"
                          for n in model_of("examples").flows)
    assert {"connectors/pyproject.toml", "connectors/README.md",
            "connectors/mfgint_runtime/__init__.py", "connectors/mfgint_runtime/py.typed",
            "connectors/mfgint_runtime/cli.py", "connectors/mfgint_runtime/tests/__init__.py",
            "connectors/mfgint_runtime/tests/contracts.py",
            "connectors/mfgint_runtime/tests/test_runtime.py"} <= paths


def test_test_modules_take_the_contracts_that_apply_to_their_flow() -> None:
    text = files_of(run("connectors", "variants"))
    odoo_update = text["connectors/carrier_status_to_erp/test_carrier_status_to_erp.py"]
    assert "class TestCarrierStatusToErp(" in odoo_update
    for contract in ("OdooSecretContract", "ExternalIdContract", "FlowContract"):
        assert f"    {contract}," in odoo_update or f", {contract}" in odoo_update
    assert "main = staticmethod(main)" in odoo_update
    examples = files_of(run("connectors"))
    no_odoo = examples["connectors/quality_hold_to_wms/test_quality_hold_to_wms.py"]
    assert "OdooSecretContract" not in no_odoo and "main = staticmethod" not in no_odoo
    for path, module in {**text, **examples}.items():
        if path.endswith(".py") and "/test_" in path and "mfgint_runtime" not in path:
            # FlowContract comes last (the others extend it) and the test data is complete.
            assert "FlowContract):" in module or "    FlowContract,\n):" in module, path
            for name in ("BASE", "CONNECTOR", "SETTINGS", "RETRY", "TARGETS", "ENV", "SAMPLE"):
                assert f"\n    {name}" in module, f"{path}: {name}"


def test_main_and_base_delegate_to_the_shared_runtime() -> None:
    text = files_of(run("connectors"))
    main = text["connectors/outbound_delivery_to_wms/__main__.py"]
    assert "from mfgint_runtime.cli import run_flow" in main
    assert "argparse" not in main
    base = text["connectors/outbound_delivery_to_wms/base.py"]
    assert "class OutboundDeliveryToWmsBase(FlowBase[OutboundDeliveryToWmsSettings]):" in base
    assert "def wire(self) -> Wiring:" in base
    assert "def __init__" not in base and "def open_broker" not in base


def test_generated_code_imports_only_the_standard_library() -> None:
    packages = {package_name(n) for n in model_of("examples").flows} | {"mfgint_runtime"}
    for path, text in files_of(run("connectors")).items():
        if not path.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(text)):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in packages or top == "__future__":
                    continue
                in_tests = "/tests/" in path or path.rsplit("/", 1)[-1].startswith("test_")
                assert top in ALLOWED_THIRD_PARTY and in_tests, f"{path} imports {name}"


def test_odoo_client_follows_the_odoo_version_and_flow_protocol() -> None:
    text = files_of(run("connectors", "variants"))
    # Odoo 19: JSON-2 whatever the endpoints say; Odoo 17 with an xml-rpc flow: XML-RPC.
    assert 'protocol="json-2"' in text["connectors/items_to_carrier/base.py"]
    assert 'protocol="xml-rpc"' in text["connectors/legacy_orders_to_erp/base.py"]
    # Odoo 17 flows without an RPC protocol use the system's JSON-RPC endpoint.
    examples = files_of(run("connectors"))
    assert 'protocol="json-rpc"' in examples["connectors/outbound_delivery_to_wms/base.py"]


def test_names_starting_with_a_digit_become_valid_identifiers() -> None:
    text = files_of(run("connectors", "variants"))
    base = text["connectors/x_3pl_cancel/base.py"]
    assert "class X3plCancelBase(FlowBase[X3plCancelSettings]):" in base
    assert 'ENV_PREFIX = "MFGINT_3PL_CANCEL"' in base
    assert env_key("3pl-y") == "3PL_Y"


def test_retry_policy_comes_from_the_spec_else_defaults() -> None:
    text = files_of(run("connectors", "variants"))
    spec = text["connectors/items_to_carrier/base.py"]
    assert "max_attempts=4,\n    backoff=\"exponential\",\n    initial_delay=1.0,\n" in spec
    assert "max_delay=30.0," in spec
    default = text["connectors/carrier_status_to_erp/base.py"]
    assert "max_attempts=3,\n    backoff=\"exponential\",\n    initial_delay=1.0,\n" in default


def test_dead_letters_follow_the_spec() -> None:
    text = files_of(run("connectors", "variants"))
    # FlowBase.open_dead_letters reads the kind and destination from the settings and the
    # system from DEAD_LETTER_SYSTEM: a broker topic, a folder on a system, a local folder, the log.
    broker = text["connectors/items_to_carrier/base.py"]
    assert 'kind="broker"' in broker
    assert 'DEAD_LETTER_SYSTEM: ClassVar[str | None] = "bus"' in broker
    on_system = text["connectors/orders_to_3pl/base.py"]
    assert 'kind="files"' in on_system
    assert 'DEAD_LETTER_SYSTEM: ClassVar[str | None] = "3pl-y"' in on_system
    local = text["connectors/legacy_orders_to_erp/base.py"]
    assert 'kind="files"' in local and "DEAD_LETTER_SYSTEM: ClassVar[str | None] = None" in local
    logged = text["connectors/carrier_status_to_erp/base.py"]
    assert 'kind="log"' in logged and "DEAD_LETTER_SYSTEM: ClassVar[str | None] = None" in logged


def test_idempotency_uses_one_external_id_module_per_source_system() -> None:
    text = files_of(run("connectors", "variants"))
    assert 'XMLID_MODULE: ClassVar[str] = "mfgint_carrier_x"' in \
        text["connectors/carrier_status_to_erp/base.py"]
    assert 'KEY_FIELDS: ClassVar[tuple[str, ...]] = ("order_id",)' in \
        text["connectors/legacy_orders_to_erp/base.py"]


def test_readme_documents_every_environment_variable() -> None:
    readme = files_of(run("connectors", "variants"))["connectors/items_to_carrier/README.md"]
    assert "| `MFGINT_ITEMS_TO_CARRIER_ERP_NEXT_API_KEY` | yes | - |" in readme
    assert "| `MFGINT_ITEMS_TO_CARRIER_ERP_NEXT_DATABASE` | no | `prod19` |" in readme
    assert "| `MFGINT_ITEMS_TO_CARRIER_CARRIER_X_URL` | no | " \
           "`https://api.carrier-x.example.test/v2` |" in readme
    assert "MFGINT_ITEMS_TO_CARRIER_RETRY_MAX_ATTEMPTS" in readme


def test_hand_written_stub_refuses_to_guess_odoo_mappings() -> None:
    text = files_of(run("connectors", "variants"))
    stub = text["connectors/carrier_status_to_erp/connector.py"]
    assert "class CarrierStatusToErpConnector(CarrierStatusToErpBase):" in stub
    assert 'raise NotImplementedError(\n                "connector.py: map item fields to ' \
           'product.product"' in stub
    # A REST target gets the canonical record as it is.
    rest = text["connectors/x_3pl_cancel/connector.py"]
    assert "return super().transform(record, target)" in rest


def test_scope_limits_the_packages() -> None:
    generated = run("connectors", "variants", scope=Scope(flows=frozenset({"items-to-carrier"})))
    packages = {f.path.split("/")[1] for f in generated if f.path.count("/") > 1}
    assert packages == {"items_to_carrier", "mfgint_runtime"}


def test_user_templates_override_built_in_ones(tmp_path: Path) -> None:
    override = tmp_path / "connectors" / "flow"
    override.mkdir(parents=True)
    (override / "README.md.j2").write_text("# {{ info.flow.name }} (site README)\n")
    text = files_of(run("connectors", "variants", templates=tmp_path))
    assert text["connectors/items_to_carrier/README.md"] == "# items-to-carrier (site README)\n"
    assert "class ItemsToCarrierBase" in text["connectors/items_to_carrier/base.py"]


def test_word_wrap_fast_path_writes_what_textwrap_writes() -> None:
    words = ["a", "odoo-erp", "asn-from-bearings-002", "--", "x-", "-y", "3-4", "foo--bar",
             "word", "(api,", "webhook)", "é-ü", "—", "longerword", "http://a-b.c/d-e"]
    rng = random.Random(5)
    taken = 0
    for _ in range(20000):
        text = _flat(" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))))
        width = rng.randint(3, 60)
        lines = _greedy_wrap(text, width)
        if lines is not None:
            taken += 1
            assert list(lines) == textwrap.wrap(text, width), (text, width)
    assert taken > 1000
