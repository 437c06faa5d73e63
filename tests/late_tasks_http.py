"""The late tasks thread over real HTTP (mixed into the intake HTTP test,
whose server runs it with ``[ecom] late_tasks_age`` 20 s and
``late_tasks_interval`` 5 s): a storefront sale whose processing was lost
(its task left unfinished, or no task at all) is processed all the same.

The loss is made behind the server's back, in SQL: the sale set back to
confirmed, its processing task set back to unfinished and old."""
import datetime
import json
import time

from tests.server import execute_sql


class LateTasksHTTPTests:
    "Sales and tasks left behind by a busy database"

    def processed_sale(self):
        "A storefront sale, processed; and the id of its processing task"
        last, = execute_sql(self.database, self.env,
            "SELECT COALESCE(MAX(id), 0) FROM ir_queue", ())
        code, answer = self.post_generic(self.order())
        self.assertEqual(code, 201, answer)
        sale_id = answer['sale']['id']
        self.assertEqual(self.state(sale_id), 'processing')
        tasks = [(i, json.loads(data)) for i, data in execute_sql(
                self.database, self.env, "SELECT id, CAST(data AS TEXT) "
                "FROM ir_queue WHERE id > ?", (last[0],))]
        tasks = [i for i, data in tasks if (data['model'], data['method'],
                data['instances']) == ('sale.sale', 'process', [sale_id])]
        # the confirmation's, then the payment's (its invoice paid)
        self.assertTrue(tasks)
        return sale_id, tasks[0]

    def state(self, sale_id):
        sale, = self.read('sale.sale', [sale_id], ['state'])
        return sale['state']

    def documents(self, sale_id):
        sale, = self.read('sale.sale', [sale_id], ['moves', 'invoices'])
        self.assertTrue(sale['moves'] and sale['invoices'], sale)
        return sale['moves'], sale['invoices']

    def lose(self, sale_id, written_ago):
        "Set the sale back to confirmed, written seconds ago"
        execute_sql(self.database, self.env, "UPDATE sale_sale SET "
            "state = 'confirmed', write_date = ? WHERE id = ?", (
                datetime.datetime.now()
                - datetime.timedelta(seconds=written_ago), sale_id))
        self.assertEqual(self.state(sale_id), 'confirmed')

    def wait_processed(self, sale_id, timeout=60):
        deadline = time.monotonic() + timeout
        while self.state(sale_id) != 'processing':
            if time.monotonic() > deadline:
                self.fail(f"sale {sale_id} still confirmed after {timeout} s")
            time.sleep(1)

    def test_task_left_unfinished_is_run_again(self):
        "A processing task left unfinished is run again; its sale processed"
        sale_id, task_id = self.processed_sale()
        documents = self.documents(sale_id)
        # written now: only the task can be what processes it within 20 s
        self.lose(sale_id, 0)
        execute_sql(self.database, self.env, "UPDATE ir_queue SET "
            "finished_at = NULL, dequeued_at = NULL, enqueued_at = ? "
            "WHERE id = ?", (datetime.datetime.now()
                - datetime.timedelta(minutes=5), task_id))
        started = time.monotonic()
        self.wait_processed(sale_id)
        self.assertLess(time.monotonic() - started, 18)
        (finished,), = execute_sql(self.database, self.env,
            "SELECT finished_at FROM ir_queue WHERE id = ?", (task_id,))
        self.assertIsNotNone(finished)
        # processed again, not twice: the same shipment moves and invoice
        self.assertEqual(self.documents(sale_id), documents)

    def test_sale_left_confirmed_is_processed(self):
        "A storefront sale left confirmed without a task is processed"
        sale_id, _ = self.processed_sale()
        self.lose(sale_id, 60)
        self.wait_processed(sale_id, 30)
        # a sale confirmed moments ago is not the thread's to process
        sale_id, _ = self.processed_sale()
        self.lose(sale_id, 0)
        time.sleep(8)
        self.assertEqual(self.state(sale_id), 'confirmed')
        self.wait_processed(sale_id, 40)
