"""Benchmark of the dunning engine on a synthetic ledger (run by setup/benchmark.sh).

Builds, in a database where the in2dmm addons are installed, a Dutch company with
N customers and M invoices with realistic payment behaviour, then measures in one
run and prints:

* compute: ``in2dmm.dunning.run._compute_lines()`` (read, decide, create lines);
* the single SQL query selecting the same open overdue receivable lines, and the
  ratio compute / SQL (target: within 5x);
* letters per second: preparing and rendering every letter of the run with
  reportlab into one merged PDF (target: at least 50 per second on one core);
* execute: executing the run (letters, e-mails, activities, chatter), lines/s.

The ledger is written with bulk SQL (creating 50,000 posted invoices through the
ORM would take most of an hour); the rows are the ones the ORM would write for a
one-line invoice without taxes: a receivable line and an income line.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--invoices", type=int, default=50000)
    parser.add_argument(
        "--execute",
        type=int,
        default=-1,
        help="lines to execute (-1: all, 0: skip execution)",
    )
    parser.add_argument(
        "--orders",
        type=int,
        default=100,
        help="sale orders confirmed with the credit check off and on (0: skip)",
    )
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "odoo_args",
        nargs=argparse.REMAINDER,
        help="Odoo options after --, e.g. -- --db_host 127.0.0.1",
    )
    return parser.parse_args()


def timed(label, func, results):
    start = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - start
    results[label] = elapsed
    print(f"  {label:<34} {elapsed:9.3f} s", flush=True)
    return value


def order_benchmark(env, company, n_orders):
    """Confirm ``n_orders`` quotations of ledger customers one by one, as users
    do, with the credit check off and then set to block; return ms per order.

    The customers get a generous limit, so the check passes and only its cost
    is measured; each batch is rolled back so both see the same ledger.
    """
    cr = env.cr
    product = env["product.product"].create(
        {"name": "Benchmark service", "type": "service", "list_price": 100}
    )
    partners = env["res.partner"].search(
        [("name", "=like", "Klant %"), ("parent_id", "=", False)],
        limit=n_orders,
        order="id",
    )
    partners.with_company(company).write({"credit_limit": 10_000_000})
    # every rule is evaluated, none stops an order (the ledger has customers
    # far overdue, whose orders a real check would stop)
    company.in2dmm_order_overdue_days = 100_000
    cr.commit()
    Order = env["sale.order"].with_company(company)

    def make():
        orders = Order.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "product_uom_qty": 2,
                                "price_unit": 100 + i,
                                "tax_ids": [(5,)],
                            },
                        )
                    ],
                }
                for i, partner in enumerate(partners)
            ]
        )
        env.flush_all()
        return orders

    def confirm(mode):
        company.in2dmm_order_check = mode
        orders = make()
        env.invalidate_all()
        start = time.perf_counter()
        for order in orders:
            order.action_confirm()
            env.flush_all()
        elapsed = time.perf_counter() - start
        assert set(orders.mapped("state")) == {"sale"}, orders.mapped("state")
        cr.rollback()
        env.invalidate_all()
        return elapsed * 1000 / len(orders)

    confirm("off")  # warm-up
    figures = {}
    for mode in ("off", "block", "off", "block"):
        figures.setdefault(mode, []).append(confirm(mode))
    return {mode: min(values) for mode, values in figures.items()}, len(partners)


def _postcode_letters(i):
    """Two letters of a Dutch postcode; SA, SD and SS are never issued."""
    letters = f"{chr(65 + i % 26)}{chr(65 + (i // 26) % 26)}"
    return "SB" if letters in ("SA", "SD", "SS") else letters


def build_ledger(env, n_customers, n_invoices, seed):
    """A Dutch company, a 4-level policy, customers and a ledger in bulk SQL."""
    from odoo import Command  # noqa: PLC0415 - after config

    rnd = random.Random(seed)
    cr = env.cr
    company = env["res.company"].create(
        {
            "name": "Benchmark Installatie B.V.",
            "country_id": env.ref("base.nl").id,
            "currency_id": env.ref("base.EUR").id,
            "street": "Damrak 1",
            "zip": "1012 LG",
            "city": "Amsterdam",
            "vat": "NL123456782B01",
            "company_registry": "69599084",
        }
    )
    env.user.write(
        {"company_ids": [Command.link(company.id)], "company_id": company.id}
    )
    env = env(
        context=dict(
            env.context, allowed_company_ids=[company.id], tracking_disable=True
        )
    )
    env["account.chart.template"].try_loading("nl", company=company, install_demo=False)
    env["res.partner.bank"].create(
        {"partner_id": company.partner_id.id, "acc_number": "NL91ABNA0417164300"}
    )
    levels = []
    # levels 3 and 4 claim interest (and costs) as Dutch collection law allows,
    # so the letter figures include computing them
    for seq, (name, days, email, letter, call, costs, interest) in enumerate(
        [
            ("Herinnering", 7, True, False, False, "none", "none"),
            ("Aanmaning", 21, True, True, False, "none", "none"),
            ("Ingebrekestelling", 35, True, True, True, "none", "show"),
            ("Laatste sommatie", 50, False, True, True, "show", "show"),
        ],
        start=1,
    ):
        levels.append(
            Command.create(
                {
                    "sequence": seq,
                    "name": name,
                    "days": days,
                    "channel_email": email,
                    "channel_letter": letter,
                    "channel_call": call,
                    "costs_mode": costs,
                    "interest_mode": interest,
                    "min_amount": 10,
                    "letter_subject": f"{name}: {{amount_to_pay}}",
                    "letter_body_before": "Geachte {partner_name},\n\nVolgens onze "
                    "administratie staan de onderstaande facturen nog open. Wij "
                    "verzoeken u {amount_to_pay} vóór {pay_before} te betalen.",
                    "letter_body_after": "Met vriendelijke groet,\n\n{collector_name}\n"
                    "{company_name}",
                }
            )
        )
    policy = env["in2dmm.policy"].create(
        {
            "name": "Benchmark",
            "company_id": company.id,
            "level_ids": levels,
            "min_interval_days": 7,
        }
    )
    policy_levels = policy.level_ids.sorted("sequence")
    company.write({"in2dmm_policy_id": policy.id, "in2dmm_collector_id": env.user.id})

    cities = [
        ("Utrecht", "3511"),
        ("Rotterdam", "3011"),
        ("Zwolle", "8011"),
        ("Groningen", "9711"),
        ("Eindhoven", "5611"),
        ("Haarlem", "2011"),
    ]
    partner_vals = []
    for i in range(n_customers):
        city, pc = rnd.choice(cities)
        partner_vals.append(
            {
                "name": f"Klant {i:05d} B.V.",
                "is_company": True,
                "street": f"Dorpsstraat {i % 300 + 1}",
                "zip": f"{pc} {_postcode_letters(i)}",
                "city": city,
                "country_id": env.ref("base.nl").id,
                "email": f"debiteuren{i}@klant.example" if i % 10 else False,
                "lang": "en_US",
                "ref": f"DEB{i:05d}",
            }
        )
    partners = env["res.partner"].create(partner_vals)
    env.flush_all()

    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    receivable = env["account.account"].search(
        [("company_ids", "in", company.id), ("account_type", "=", "asset_receivable")],
        limit=1,
    )
    income = env["account.account"].search(
        [("company_ids", "in", company.id), ("account_type", "=", "income")], limit=1
    )
    eur = company.currency_id.id
    today = date.today()
    # payment behaviour per customer: (share paid on time, mean delay in days when
    # late); 55% good payers, 25% average, 12% late, 8% bad
    classes = [
        (0.55, (0.95, 6)),
        (0.25, (0.70, 20)),
        (0.12, (0.30, 60)),
        (0.08, (0.10, 200)),
    ]

    def pick_class():
        x, acc = rnd.random(), 0.0
        for share, beh in classes:
            acc += share
            if x < acc:
                return beh
        return classes[-1][1]

    behaviour = [pick_class() for _ in range(n_customers)]
    moves = []
    paid_dates = {}
    for i in range(n_invoices):
        p_idx = rnd.randrange(n_customers)
        on_time, delay = behaviour[p_idx]
        # more invoices in recent months: a growing company
        inv_date = today - timedelta(days=int(365 * rnd.random() ** 1.5))
        due = inv_date + timedelta(days=30)
        amount = round(rnd.lognormvariate(6.5, 1.0), 2)
        paid_on = None
        if due > today:
            residual = amount  # not yet due, open
        else:
            paid_on = due + timedelta(
                days=0 if rnd.random() < on_time else int(rnd.expovariate(1 / delay))
            )
            if paid_on <= today:
                residual = 0.0
            elif rnd.random() < 0.1:
                residual = round(amount * 0.4, 2)  # partly paid
                paid_on = today - timedelta(days=rnd.randrange(1, 20))
            else:
                residual = amount
                paid_on = None
        level_id = None
        overdue_days = (today - due).days
        if residual and overdue_days > 7:
            sent = [lvl for lvl in policy_levels if lvl.days <= overdue_days - 3]
            if sent and rnd.random() < 0.7:
                level_id = sent[rnd.randrange(len(sent))].id
        moves.append((i, partners[p_idx].id, inv_date, due, amount, residual, level_id))
        paid_dates[i] = paid_on
    print(f"  ledger: {len(moves)} invoices generated in memory", flush=True)

    cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
    base_id = cr.fetchone()[0] + 1
    prefix = f"BENCH/{today.year}/"
    rows = []
    for i, partner_id, inv_date, due, amount, residual, level_id in moves:
        state = (
            "not_paid"
            if residual == amount
            else ("paid" if not residual else "partial")
        )
        rows.append(
            (
                base_id + i,
                f"{prefix}{i + 1:06d}",
                partner_id,
                partner_id,
                inv_date,
                due,
                amount,
                residual,
                state,
                level_id,
            )
        )
    _bulk(
        cr,
        """
        INSERT INTO account_move (id, name, partner_id, commercial_partner_id, date,
            invoice_date, invoice_date_due, amount_total, amount_residual,
            payment_state, in2dmm_level_id, move_type, state, journal_id, company_id,
            currency_id, auto_post, amount_total_signed, amount_residual_signed,
            amount_untaxed, amount_untaxed_signed, amount_tax, amount_tax_signed,
            create_date, write_date, create_uid, write_uid)
        SELECT v.id, v.name, v.partner_id, v.cpid, v.date, v.date, v.due, v.amount,
            v.residual, v.state, v.level_id, 'out_invoice', 'posted', %s, %s, %s, 'no',
            v.amount, v.residual, v.amount, v.amount, 0, 0,
            now(), now(), 1, 1
        FROM (VALUES %s) AS v(id, name, partner_id, cpid, date, due, amount, residual,
                             state, level_id)
    """,
        rows,
        (journal.id, company.id, eur),
        "(%s::int, %s, %s::int, %s::int, %s::date, %s::date, %s::numeric, %s::numeric,"
        " %s, %s::int)",
    )
    line_rows = []
    for i, partner_id, inv_date, due, amount, residual, _level in moves:
        mid = base_id + i
        line_rows.append(
            (
                mid,
                partner_id,
                inv_date,
                due,
                receivable.id,
                amount,
                0.0,
                amount,
                residual,
                residual,
                residual == 0,
                "payment_term",
            )
        )
        line_rows.append(
            (
                mid,
                partner_id,
                inv_date,
                None,
                income.id,
                0.0,
                amount,
                -amount,
                0.0,
                0.0,
                False,
                "product",
            )
        )
    _bulk(
        cr,
        """
        INSERT INTO account_move_line (move_id, partner_id, date, date_maturity,
            account_id, debit, credit, balance, amount_currency, amount_residual,
            amount_residual_currency, reconciled, display_type, parent_state,
            journal_id, company_id, currency_id, company_currency_id, name,
            quantity, price_unit, price_subtotal, price_total,
            create_date, write_date, create_uid, write_uid)
        SELECT v.move_id, v.partner_id, v.date, v.due, v.account_id, v.debit, v.credit,
            v.balance, v.balance, v.residual, v.residual_cur, v.reconciled,
            v.display_type, 'posted', %s, %s, %s, %s, 'Benchmark',
            1, v.debit + v.credit, v.debit + v.credit, v.debit + v.credit,
            now(), now(), 1, 1
        FROM (VALUES %s) AS v(move_id, partner_id, date, due, account_id, debit,
                             credit, balance, residual, residual_cur, reconciled,
                             display_type)
    """,
        line_rows,
        (journal.id, company.id, eur, eur),
        "(%s::int, %s::int, %s::date, %s::date, %s::int, %s::numeric, %s::numeric,"
        " %s::numeric, %s::numeric, %s::numeric, %s::bool, %s)",
    )
    cr.execute(
        "SELECT setval('account_move_id_seq', (SELECT MAX(id) FROM account_move))"
    )
    _bulk_payments(cr, company, journal, receivable, eur, base_id, moves, paid_dates)
    cr.execute(
        "ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner;"
        " ANALYZE account_partial_reconcile"
    )
    env.invalidate_all()
    return env, company


def _bulk_payments(cr, company, journal, receivable, eur, base_id, moves, paid_dates):
    """The payments of the paid and partly paid invoices, as partial
    reconciliations against one bank entry (what the payment statistics read)."""
    cr.execute(
        """INSERT INTO account_move (name, date, move_type, state, journal_id,
               company_id, currency_id, auto_post, create_date, write_date,
               create_uid, write_uid)
           VALUES ('BENCH/PAYMENTS', CURRENT_DATE, 'entry', 'posted', %s, %s, %s,
                   'no', now(), now(), 1, 1) RETURNING id""",
        (journal.id, company.id, eur),
    )
    pay_move = cr.fetchone()[0]
    paid = [
        (base_id + i, round(amount - residual, 2), paid_dates[i])
        for i, _p, _d, _due, amount, residual, _l in moves
        if paid_dates.get(i) and amount - residual > 0
    ]
    total = round(sum(amount for _m, amount, _date in paid), 2)
    cr.execute(
        """INSERT INTO account_move_line (move_id, date, account_id, debit, credit,
               balance, amount_currency, amount_residual, amount_residual_currency,
               reconciled, display_type, parent_state, journal_id, company_id,
               currency_id, company_currency_id, name, create_date, write_date,
               create_uid, write_uid)
           VALUES (%s, CURRENT_DATE, %s, 0, %s, %s, %s, 0, 0, TRUE, 'payment_term',
                   'posted', %s, %s, %s, %s, 'Benchmark payments', now(), now(), 1, 1)
           RETURNING id""",
        (
            pay_move,
            receivable.id,
            total,
            -total,
            -total,
            journal.id,
            company.id,
            eur,
            eur,
        ),
    )
    credit_line = cr.fetchone()[0]
    cr.execute(
        "SELECT move_id, id FROM account_move_line"
        " WHERE move_id >= %s AND display_type = 'payment_term' AND debit > 0",
        (base_id,),
    )
    debit_line = dict(cr.fetchall())
    _bulk(
        cr,
        """
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount,
            debit_amount_currency, credit_amount_currency, debit_currency_id,
            credit_currency_id, company_id, max_date, create_date, write_date,
            create_uid, write_uid)
        SELECT v.debit, %s, v.amount, v.amount, v.amount, %s, %s, %s, v.date,
            now(), now(), 1, 1
        FROM (VALUES %s) AS v(debit, amount, date)
    """,
        [(debit_line[m], amount, date) for m, amount, date in paid if m in debit_line],
        (credit_line, eur, eur, company.id),
        "(%s::int, %s::numeric, %s::date)",
    )
    print(f"  ledger: {len(paid)} payments reconciled", flush=True)


def _bulk(cr, query, rows, params, row_template, page=2000):
    """INSERT ... SELECT FROM (VALUES ...) in pages (psycopg2's execute_values idea)."""
    for start in range(0, len(rows), page):
        chunk = rows[start : start + page]
        values = ",".join(cr.mogrify(row_template, row).decode() for row in chunk)
        cr.execute(
            query.replace("VALUES %s", "VALUES " + values.replace("%", "%%")), params
        )


def sql_baseline(env, company, run_date):
    """The single SQL query selecting the same overdue open receivable lines."""
    env.cr.execute(
        """
        SELECT aml.id, aml.move_id, aml.partner_id, aml.currency_id, aml.date_maturity,
               aml.amount_residual_currency, m.in2dmm_level_id
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id
          JOIN account_move m ON m.id = aml.move_id
         WHERE aml.company_id = %s AND aml.parent_state = 'posted'
           AND acc.account_type = 'asset_receivable'
           AND aml.reconciled IS NOT TRUE AND aml.amount_residual_currency != 0
           AND (aml.amount_residual_currency < 0 OR aml.date_maturity <= %s)
        """,
        (company.id, run_date),
    )
    return env.cr.fetchall()


def main():
    args = parse_args()
    import odoo  # noqa: PLC0415 - after config
    from odoo.modules.registry import Registry  # noqa: PLC0415 - after config
    from odoo.tools import config  # noqa: PLC0415 - after config

    odoo_args = [a for a in args.odoo_args if a != "--"]
    config.parse_config(["-d", args.database, *odoo_args])
    registry = Registry(args.database)
    from odoo.addons.in2dmm_credit.tools.dunning import (  # noqa: PLC0415
        compute_proposals,
    )

    results = {}
    print(
        f"in2dmm benchmark: {args.customers} customers, {args.invoices} invoices, "
        f"database {args.database}",
        flush=True,
    )
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        env, company = timed(
            "build ledger (bulk SQL)",
            lambda: build_ledger(env, args.customers, args.invoices, args.seed),
            results,
        )
        cr.commit()
        run_date = date.today()
        Run = env["in2dmm.dunning.run"].with_company(company)
        # warm caches once so that both sides are measured warm
        sql_baseline(env, company, run_date)
        rows = timed(
            "SQL: select overdue lines",
            lambda: sql_baseline(env, company, run_date),
            results,
        )
        # warm the ORM the same way: one computation that is thrown away
        warm = Run.create({"company_id": company.id, "date": run_date})
        warm._compute_lines()
        env.flush_all()
        cr.rollback()
        env.invalidate_all()
        run = Run.create({"company_id": company.id, "date": run_date})
        cr.commit()
        policies = run._get_policies()

        def decide():
            items = run._fetch_open_items(policies)
            return compute_proposals(items, policies._to_engine(), run_date)

        timed("read + decide (no writing)", decide, results)
        timed("compute (run._compute_lines)", run._compute_lines, results)
        env.flush_all()
        cr.commit()
        n_lines = len(run.line_ids)
        n_items = len(run.line_ids.item_ids)
        print(
            f"  open items selected by SQL: {len(rows)}; lines proposed: {n_lines};"
            f" items: {n_items}",
            flush=True,
        )

        from odoo.addons.in2dmm_credit.tools.letter import render_letters  # noqa: PLC0415 - after config

        lines = run.line_ids
        charged = lines.filtered(
            lambda line: (
                "show" in (line.level_id.costs_mode, line.level_id.interest_mode)
            )
        )

        def charges():
            tables = charged._legal_tables()
            return [line._charges(tables) for line in charged]

        timed(
            f"costs and interest of {len(charged)} lines (WIK, 6:119a)",
            charges,
            results,
        )
        letters = timed("prepare letter data", lines._prepare_letters, results)
        pdf = timed(
            "render all letters (reportlab)", lambda: render_letters(letters), results
        )
        print(f"  merged PDF: {len(pdf) / 1e6:.1f} MB", flush=True)

        # payment statistics: the full rebuild against one SQL aggregate over the
        # same paid invoices; then the dashboard's server time
        Stat = env["in2dmm.payment.stat"].with_company(company)

        def paid_aggregate():
            return env.execute_query(Stat._paid_aggregate_sql())

        paid_aggregate()  # warm
        stat_rows = timed("SQL: paid-invoice aggregate", paid_aggregate, results)
        timed("rebuild payment statistics", Stat._rebuild, results)
        cr.commit()
        print(
            f"  statistics: {len(stat_rows)} customer-months, "
            f"{env['in2dmm.payment.score'].search_count([])} scores",
            flush=True,
        )
        Dashboard = env["in2dmm.dashboard"].with_company(company)
        Dashboard.get_data({})  # warm
        dashboard = timed("dashboard (server)", lambda: Dashboard.get_data({}), results)
        print(
            f"  dashboard: receivables {dashboard['total']:,.0f}, "
            f"overdue {dashboard['overdue']:,.0f}, DSO {dashboard['dso']}",
            flush=True,
        )

        orders = None
        if args.orders:
            orders, n_orders = order_benchmark(env, company, args.orders)
            print(
                f"  confirm {n_orders} sale orders: check off "
                f"{orders['off']:.1f} ms/order, "
                f"check on {orders['block']:.1f} ms/order",
                flush=True,
            )

        executed = 0
        if args.execute:
            todo = lines if args.execute < 0 else lines[: args.execute]
            run.state = "executing"
            for line in todo.filtered("needs_review"):
                line.needs_review = False

            def execute():
                batch = 200
                for start in range(0, len(todo), batch):
                    run._execute_lines(todo[start : start + batch])
                    env.flush_all()
                    cr.commit()
                    env.invalidate_all()
                return len(todo)

            executed = timed(f"execute {len(todo)} lines", execute, results)
            cr.rollback()

    compute = results["compute (run._compute_lines)"]
    sql = results["SQL: select overdue lines"]
    decide = results["read + decide (no writing)"]
    render = results["render all letters (reportlab)"]
    prepare = results["prepare letter data"]
    print()
    print("Results")
    print(
        f"  compute / SQL ratio: {compute / sql:.2f}x  (target <= 5x; compute "
        f"{compute * 1000:.0f} ms, SQL {sql * 1000:.0f} ms)"
    )
    print(
        f"  read + decide / SQL ratio: {decide / sql:.2f}x  (the same computation "
        f"without writing the proposal lines: {decide * 1000:.0f} ms)"
    )
    print(f"  letters per second (render only): {n_lines / render:.0f}  (target >= 50)")
    print(
        f"  letters per second (prepare + render): {n_lines / (render + prepare):.0f}"
    )
    charge_key = next(k for k in results if k.startswith("costs and interest"))
    n_charged = int(charge_key.split()[4])
    if n_charged:
        per_line = results[charge_key] / n_charged * 1000
        print(
            f"  costs and interest: {per_line:.2f} ms per line "
            f"({n_charged} lines claiming them)"
        )
    if executed:
        ex = results[f"execute {executed} lines"]
        print(
            f"  execute: {executed} lines in {ex:.1f} s = {executed / ex:.1f} lines/s"
        )
    rebuild = results["rebuild payment statistics"]
    aggregate = results["SQL: paid-invoice aggregate"]
    print(
        f"  payment statistics rebuild / SQL aggregate: {rebuild / aggregate:.2f}x "
        f"(target <= 3x; rebuild {rebuild * 1000:.0f} ms, "
        f"aggregate {aggregate * 1000:.0f} ms)"
    )
    print(
        f"  dashboard server time: {results['dashboard (server)'] * 1000:.0f} ms "
        f"(target <= 300 ms)"
    )
    if orders:
        print(
            f"  sale-order credit check overhead: "
            f"{orders['block'] - orders['off']:.2f} ms per order (target <= 5 ms; "
            f"{orders['block']:.1f} vs {orders['off']:.1f} ms per confirmation)"
        )
    print(f"  cores used: 1 (single process), machine has {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
